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

        from xinan.core.navigation import nav_register

        report = "policy.report.view"
        nav_register("policy", _("合规仪表盘"), "policy:dashboard", report, order=0, icon="report-analytics")
        nav_register("policy", _("条款合规表"), "policy:clause_list", report, order=1, icon="list-check")
        nav_register("policy", _("检查发现"), "policy:finding_list", report, order=2, icon="alert-circle")
        nav_register("policy", _("自评估报告"), "policy:report", report, order=3, icon="file-certificate")
