from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("grants/", views.grant_list, name="grant_list"),
    path("grants/new/", views.grant_request, name="grant_request"),
    path("grants/<int:pk>/<str:decision>/", views.grant_decide, name="grant_decide"),
    path("people/<int:pk>/transfer/", views.person_transfer, name="person_transfer"),
    path("people/<int:pk>/depart/", views.person_depart, name="person_depart"),
]
