from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _navigation():
    from xinan.core.navigation import nav_register

    nav_register("accounts", _("修改口令"), "identity:password_change", None, order=10, icon="key")
    nav_register("accounts", _("双因素认证"), "identity:mfa_enroll", None, order=11, icon="shield-check")
    nav_register("accounts", _("账号管理"), "identity:accounts", ("identity.account.manage", "identity.account.view"),
                 order=15, icon="users")
    nav_register("accounts", _("API 令牌"), "tokens:list", None, order=12)
    nav_register("accounts", _("全部 API 令牌"), "tokens:admin", "identity.apitoken.view", order=22)
    nav_register("accounts", _("账号锁定"), "identity:locked_accounts", "identity.account.view", order=20, icon="lock")
    nav_register("accounts", _("登录安全参数"), "identity:parameters", "identity.parameter.change", order=21,
                 icon="settings")


class IdentityConfig(AppConfig):
    name = "xinan.identity"
    label = "identity"
    verbose_name = _("身份与登录")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from xinan.core import versions
        from xinan.org.signals import person_departed

        from . import parameters  # noqa: F401  (declares the security parameters)
        from .services import on_person_departed
        from .sessions import SESSION_TABLE

        # Django's own last_login update saves the account outside an audited transaction;
        # identity.services.login_attempt sets last_login itself, with the login event.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        person_departed.connect(on_person_departed, dispatch_uid="identity.deactivate_on_departure")
        _navigation()
        versions.track(SESSION_TABLE)  # the session store's cache is keyed on it (identity.sessions)
