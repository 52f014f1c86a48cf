from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinan.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self):
        # Registers are declared in each app's registers.py; importing them fills the registry.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("registers")

        from .api import api
        from .api_registers import add_register_routes
        from .registers import registry

        add_register_routes(api, registry)

        from django.db.models.signals import post_migrate

        from . import versions

        # After every migrate: triggers for new tables, and fresh tokens (a schema change may
        # have rebuilt a table, which drops its triggers on SQLite).
        post_migrate.connect(versions.install, sender=self, dispatch_uid="xinan.core.versions.install")

        from .navigation import nav_register

        for r in registry.all():
            nav_register(r.nav_section, r.title, f"registers:{r.slug}_list", r.perm("view"), order=20)
