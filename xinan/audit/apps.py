from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xinan.audit"
    label = "audit"
    verbose_name = _("审计链")

    def ready(self):
        from . import api  # noqa: F401  (adds the read-only /api/audit routes)

        try:
            from xinan.core.navigation import nav_register
        except ImportError:  # pragma: no cover - the page shell provides it
            return
        nav_register("audit", _("审计事件"), "audit:event_list", "audit.event.view", order=10, icon="list-search")
        nav_register("audit", _("审计链状态"), "audit:status", "audit.event.view", order=20, icon="link")
