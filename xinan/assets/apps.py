from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "xinan.assets"
    label = "assets"
    verbose_name = _("资产")

    def ready(self):
        from xinan.core.navigation import nav_register

        from . import api, parameters  # noqa: F401  (the steps' API routes; the domain's parameters)
        from . import api_endpoint, checks_endpoint  # noqa: F401  (endpoint observations: API route, checks)
        from . import checks_footage, steps_footage  # noqa: F401  (monitoring footage: p15.8.3-a/c, p15.8.5-a)

        nav_register("assets", _("资产标签打印"), "assets:labels", "assets.equipment.view", order=60)
        nav_register("assets", _("扫码盘点"), "assets:scan_home", "assets.stocktake.change", order=61)
        nav_register("assets", _("终端监测导入"), "assets:endpoint_upload", "assets.endpointimport.view", order=62)
        # p15.7.2-b: everyone who may be a party to a custody change confirms it there.
        nav_register("assets", _("待确认交接"), "assets:handover_confirmations", "assets.equipment.view", order=63)
