from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _navigation():
    from xinan.core.navigation import nav_register

    nav_register("home", _("我的待办"), "obligations:my_tasks", None, order=5, icon="checklist")
    nav_register("home", _("通知"), "obligations:notifications", None, order=6, icon="info-circle")
    nav_register("policy", _("全部任务"), "obligations:all_tasks", "obligations.task.view_all", order=30, icon="list-check")


class ObligationsConfig(AppConfig):
    name = "xinan.obligations"
    label = "obligations"
    verbose_name = _("义务与任务")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from xinan.org.signals import person_departed

        from . import api, services  # noqa: F401  (API routes; the engine's parameters)
        from .obligations import on_person_departed

        autodiscover_modules("obligations")  # <app>/obligations.py declares an app's obligations
        # After identity's receiver (apps order), which disables the leaver's account first.
        person_departed.connect(on_person_departed, dispatch_uid="obligations.departure_deadline")
        _navigation()
