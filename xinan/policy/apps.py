from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "xinan.policy"
    label = "policy"
    verbose_name = _("合规与检查")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from xinan.audit.services import event_listeners

        from . import pack, rules, services  # noqa: F401  (rules register the checks; services declares its parameter)
        from .reevaluate import on_events

        pack.define_parameters()
        autodiscover_modules("checks")  # apps may declare their clauses' checks in <app>/checks.py
        if on_events not in event_listeners:
            event_listeners.append(on_events)
