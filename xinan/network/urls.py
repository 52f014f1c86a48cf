from django.urls import path

from . import views, views_infra

app_name = "network"
urlpatterns = [
    path("utilisation/", views.utilisation, name="utilisation"),
    path("allocations/<int:pk>/release/", views.allocation_release, name="allocation_release"),
    path("allocations/<int:pk>/history/", views.allocation_history, name="allocation_history"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("observations/", views.observation_upload, name="observation_upload"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("remote-access/<int:pk>/decide/", views_infra.remote_decide, name="remote_decide"),
    path("facts/", views_infra.fact_upload, name="fact_upload"),
]
