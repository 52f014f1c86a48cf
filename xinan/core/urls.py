from django.urls import path

from . import dashboard

app_name = "core"
urlpatterns: list = [
    path("", dashboard.dashboard, name="dashboard"),
]
