from django.urls import path

from . import views, views_endpoint
from . import views_handover  # noqa: E402  (待确认交接, p15.7.2-b)

app_name = "assets"


def _steps(slug):
    return {"slug": slug}


urlpatterns = [
    path("transfers/<int:pk>/steps/", views.record_steps, _steps("transfers"), name="transfer_steps"),
    path("repairs/<int:pk>/steps/", views.record_steps, _steps("repairs"), name="repair_steps"),
    path("scrappings/<int:pk>/steps/", views.record_steps, _steps("scrappings"), name="scrapping_steps"),
    path("software-requests/<int:pk>/steps/", views.record_steps, _steps("software-requests"),
         name="software_request_steps"),
    path("media/<int:pk>/steps/", views.record_steps, _steps("media"), name="medium_steps"),
    path("medium-loans/<int:pk>/steps/", views.record_steps, _steps("medium-loans"), name="loan_return"),
    path("asset-penalties/<int:pk>/steps/", views.record_steps, _steps("asset-penalties"), name="penalty_decide"),
    path("equipment/<int:pk>/responsible/", views.equipment_responsible, name="equipment_responsible"),
    path("equipment/<int:pk>/label/", views.equipment_label, name="equipment_label"),
    path("labels/", views.labels_bulk, name="labels"),
    path("scan/", views.scan_home, name="scan_home"),
    path("scan/<str:asset_no>/", views.scan, name="scan"),
    path("stocktakes/<int:pk>/run/", views.stocktake_run, name="stocktake_run"),
    path("remnants/", views.remnants, name="remnants"),
    path("endpoint-imports/", views_endpoint.endpoint_upload, name="endpoint_upload"),
    path("endpoint-imports/<int:pk>/", views_endpoint.endpoint_import_detail, name="endpoint_import_detail"),
    path("systems/<int:pk>/steps/", views.record_steps, _steps("systems"), name="system_steps"),
    path("system-changes/<int:pk>/steps/", views.record_steps, _steps("system-changes"), name="system_change_steps"),
    path("system-classifications/<int:pk>/steps/", views.record_steps, _steps("system-classifications"),
         name="system_classification_steps"),
    path("purchases/<int:pk>/steps/", views.record_steps, _steps("purchases"), name="purchase_steps"),
    path("handovers/", views_handover.handover_confirmations, name="handover_confirmations"),
    path("medium-disposals/<int:pk>/steps/", views.record_steps, _steps("medium-disposals"), name="disposal_steps"),
    path("medium-movements/<int:pk>/steps/", views.record_steps, _steps("medium-movements"), name="movement_steps"),
    path("medium-authorisations/<int:pk>/steps/", views.record_steps, _steps("medium-authorisations"),
         name="authorisation_steps"),
    path("removal-passes/<int:pk>/steps/", views.record_steps, _steps("removal-passes"), name="removal_pass_steps"),
    path("footage-releases/<int:pk>/steps/", views.record_steps, _steps("footage-releases"),
         name="footage_release_steps"),
]
