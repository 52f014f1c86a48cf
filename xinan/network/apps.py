from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "xinan.network"
    label = "network"
    verbose_name = _("网络与IP地址")

    def ready(self):
        from xinan.core.navigation import nav_register

        from . import api  # noqa: F401  (allocate/release and observation import endpoints)

        nav_register("assets", _("网段使用率"), "network:utilisation", "network.subnet.view", order=30)
        nav_register("assets", _("网络观测导入"), "network:observation_upload", "network.observation.view", order=32)
        nav_register("assets", _("设备事实导入"), "network:fact_upload", "network.fact.view", order=33)
