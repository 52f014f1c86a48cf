"""Every write of the assets domain (services own writes; views, API, imports and the CLI call
these). Split by subject: ``equipment``, ``transfer``, ``repair``, ``scrapping``, ``media``,
``software``, ``stocktake``, ``penalty``."""

from .equipment import (asset_keeper_create, asset_keeper_update, equipment_archive, equipment_create,
                        equipment_set_address, equipment_update, maintenance_create, maintenance_update,
                        normalise_mac, responsible_change_create, responsible_change_file, responsible_change_update)
from .media import (medium_archive, medium_content_create, medium_content_update, medium_create, medium_destroy,
                    medium_destruction_approve, medium_handover, medium_lend, medium_loan_archive, medium_loan_create,
                    medium_loan_update, medium_return, medium_update, sanitisation_create, sanitisation_update)
from .media_disposal import (disposal_approve, disposal_complete, disposal_create, disposal_request,
                             disposal_update)
from .media_records import (authorisation_create, authorisation_review, authorisation_update, migration_plan_create,
                            migration_plan_update, migration_record, migration_update, movement_create,
                            movement_receive, movement_update, removal_pass_approve, removal_pass_create,
                            removal_pass_out, removal_pass_return, removal_pass_update, technician_visit_create,
                            technician_visit_update)
from .penalty import penalty_create, penalty_decide, penalty_record, penalty_update
from .repair import (repair_approve_external, repair_archive, repair_complete, repair_create, repair_diagnose,
                     repair_dispatch, repair_report, repair_request_external, repair_return, repair_update)
from .scrapping import (remnants_dispose, scrapping_appraise, scrapping_approve, scrapping_archive, scrapping_create,
                        scrapping_propose, scrapping_update, scrapping_write_off)
from .software import (installation_create, installation_record, installation_remove, installation_update,
                       software_copy_create, software_copy_update, software_create, software_request_create,
                       software_request_archive, software_request_decide, software_request_perform,
                       software_request_submit,
                       software_request_update, software_update)
from .stocktake import stocktake_archive, stocktake_close, stocktake_confirm, stocktake_start, stocktake_update
from .transfer import (transfer_approve, transfer_archive, transfer_cancel, transfer_create, transfer_execute,
                       transfer_file, transfer_reject, transfer_request, transfer_update)
from .handover import handover_confirm, medium_handover_confirm
from .purchase import (purchase_archive, purchase_cancel, purchase_create, purchase_decide, purchase_distribute,
                       purchase_record, purchase_request, purchase_update)
from .systems import (regulation_create, regulation_update, system_archive, system_change_archive,
                      system_change_cancel, system_change_create, system_change_decide, system_change_implement,
                      system_change_request, system_change_update, system_create, system_decommission,
                      system_maintenance_create, system_maintenance_update, system_update)
from .systems_secrecy import (classification_archive, classification_create, classification_request,
                              classification_review, classification_update)
from .footage import (footage_archive_create, footage_archive_update, footage_deletion_create,  # noqa: E402
                      footage_deletion_update, footage_release_approve, footage_release_create,
                      footage_release_release, footage_release_update)
