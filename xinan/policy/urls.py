from django.urls import path

from . import attestation_views, views

app_name = "policy"
urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("clauses/", views.clause_list, name="clause_list"),
    path("clauses/export.xlsx", views.clause_export, name="clause_export"),
    path("clauses/<str:clause_id>/", views.clause_detail, name="clause_detail"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/export.xlsx", views.finding_export, name="finding_export"),
    path("report/", views.report, name="report"),
    path("report/self-assessment.<str:fmt>", views.report_download, name="report_download"),
    path("attestations/<int:pk>/decide/", attestation_views.attestation_decide, name="attestation_decide"),
]
