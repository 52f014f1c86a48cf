from django.urls import path

from . import views

app_name = "audit"
urlpatterns: list = [
    path("", views.event_list, name="event_list"),
    path("events/<int:seq>/", views.event_detail, name="event_detail"),
    path("export/", views.export, name="export"),
    path("status/", views.status, name="status"),
    path("status/verify/", views.verify, name="verify"),
]
