"""Login accounts, password history, second factor and API tokens (p02.3.*, p04.*, p27.*)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinan.core.models import AuditedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username=username)


class User(AuditedModel, AbstractBaseUser):
    """A login account (账号) of one person. Permissions come from the person's roles, never from
    flags on the account: there is no superuser."""

    username = models.CharField(_("用户名"), max_length=64, unique=True)
    person = models.OneToOneField(
        "org.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    password_changed_at = models.DateTimeField(_("口令修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改口令"), default=True)
    failed_logins = models.PositiveIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    mfa_secret = models.TextField(_("双因素密钥(加密)"), blank=True)
    mfa_enabled = models.BooleanField(_("已启用双因素"), default=False)
    # The TOTP time step last accepted, so a code cannot be replayed within its window.
    mfa_last_step = models.BigIntegerField(_("双因素最后时间步"), null=True, blank=True, editable=False)
    last_failed_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = UserManager()
    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    audit_omit_fields = ("password", "mfa_secret", "last_login")

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        ordering = ["username"]

    def __str__(self):
        return self.username


class PasswordHistory(AuditedModel):
    """Earlier password hashes, so the last N (5 by default) are not reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    audit_omit_fields = ("password",)

    class Meta:
        ordering = ["-created_at", "-id"]


class RecoveryCode(AuditedModel):
    """One-time recovery codes for the second factor, stored hashed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=256)
    used_at = models.DateTimeField(null=True, blank=True)

    audit_omit_fields = ("code_hash",)


class ApiToken(AuditedModel):
    """A personal API token: shown once, stored as its SM3 digest, carrying the person's roles
    limited by ``scopes``."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("范围"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最后使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    audit_omit_fields = ("digest",)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]
