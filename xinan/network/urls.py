from django.urls import path

from . import views

app_name = "network"
urlpatterns = [
    path("utilisation/", views.utilisation, name="utilisation"),
    path("allocations/<int:pk>/release/", views.allocation_release, name="allocation_release"),
    path("allocations/<int:pk>/history/", views.allocation_history, name="allocation_history"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("observations/", views.observation_upload, name="observation_upload"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
]
