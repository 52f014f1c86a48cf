from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "xinan.workflows"
    label = "workflows"
    verbose_name = _("审批流程")

    def ready(self):
        from django.db.models.signals import post_migrate

        from xinan.core.navigation import nav_register

        from . import api, attachments  # noqa: F401  (API routes; the attachment size parameter)

        post_migrate.connect(_sync_definitions, sender=self)
        nav_register("home", _("待我审批"), "workflows:inbox", None, order=5, icon="checklist")


def _sync_definitions(sender, using="default", **kwargs):
    from .definitions import definitions_sync

    definitions_sync()
