from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "xinan.org"
    label = "org"
    verbose_name = _("组织与人员")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, sender=self)

        from django.utils.translation import gettext_lazy as _

        from xinan.core.navigation import nav_register

        from . import api  # noqa: F401  (adds the organisation's API routes)

        nav_register("org", _("角色授权"), "org:grant_list", ("org.role.view", "org.role.grant"), order=50)


def _sync_roles(sender, using="default", **kwargs):
    from .services import roles_sync_builtin

    roles_sync_builtin()
