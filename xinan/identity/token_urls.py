"""URLs of the API token pages, mounted at ``account/tokens/`` with namespace ``tokens``."""

from django.urls import path

from . import token_views

app_name = "tokens"
urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("all/", token_views.token_admin, name="admin"),
    path("<int:pk>/revoke/", token_views.token_revoke, name="revoke"),
]
