"""The security parameters of login: password length, history, age, lockout, idle timeout.

Declared once here (imported by ``IdentityConfig.ready``) and edited by the security
administrator through ``xinan.core.parameters.parameter_set`` (permission
``identity.parameter.change``, audited as ``core.parameter.set``). p27.2.5-b: the application's
security parameters are set and kept under control.

Lengths are "more than N" (多于/大于, read strictly): ``length_gt`` = 6 means at least 7
characters (p21.5.1.5-b), ``admin_length_gt`` = 8 means at least 9 (p04.3-c, p21.5.1.5-b).
"""

from django.utils.translation import gettext_lazy as _

from xinan.core import parameters
from xinan.core.parameters import define

PERMISSION = "identity.parameter.change"

ADMIN_LENGTH_GT = "identity.password.admin_length_gt"
LENGTH_GT = "identity.password.length_gt"
HISTORY = "identity.password.history"
ADMIN_MAX_AGE_DAYS = "identity.password.admin_max_age_days"
MAX_AGE_DAYS = "identity.password.max_age_days"
PATTERN_RUN = "identity.password.pattern_run"
LOCKOUT_THRESHOLD = "identity.lockout.threshold"
LOCKOUT_MINUTES = "identity.lockout.minutes"
IDLE_MINUTES = "identity.session.idle_minutes"

define(ADMIN_LENGTH_GT, 8, _("管理员口令长度须多于(位)"), minimum=4, maximum=64,
       clauses=("p04.3-c", "p21.5.1.5-b"), permission=PERMISSION)
define(LENGTH_GT, 6, _("普通用户口令长度须多于(位)"), minimum=4, maximum=64,
       clauses=("p21.5.1.5-b",), permission=PERMISSION)
define(HISTORY, 5, _("不得重复使用最近几次口令"), minimum=1, maximum=24,
       clauses=("p04.3-b", "p02.3.1"), permission=PERMISSION)
define(ADMIN_MAX_AGE_DAYS, 15, _("管理员口令有效期(天)"), minimum=1, maximum=366,
       clauses=("p04.3-a", "p27.2.12-b"), permission=PERMISSION)
define(MAX_AGE_DAYS, 30, _("普通用户口令有效期(天)"), minimum=1, maximum=366,
       clauses=("p02.3.2-a", "p21.5.1.5-c", "p27.2.12-b"), permission=PERMISSION)
define(PATTERN_RUN, 4, _("重复或连续字符的最短判定长度"), minimum=3, maximum=8,
       clauses=("p02.3.1", "p04.3-b"), permission=PERMISSION)
define(LOCKOUT_THRESHOLD, 5, _("连续登录失败锁定次数"), minimum=1, maximum=20,
       clauses=("p04.6.2-b",), permission=PERMISSION)
define(LOCKOUT_MINUTES, 30, _("账号锁定时长(分钟)"), minimum=1, maximum=1440,
       clauses=("p04.6.2-b",), permission=PERMISSION)
define(IDLE_MINUTES, 30, _("会话空闲超时(分钟)"), minimum=1, maximum=480,
       clauses=("p04.1-b",), permission=PERMISSION)

KEYS = (ADMIN_LENGTH_GT, LENGTH_GT, HISTORY, ADMIN_MAX_AGE_DAYS, MAX_AGE_DAYS, PATTERN_RUN,
        LOCKOUT_THRESHOLD, LOCKOUT_MINUTES, IDLE_MINUTES)


def value(key: str) -> int:
    """The organisation's value, coerced by its declaration (stored values are JSON)."""
    return parameters.REGISTRY[key].kind(parameters.get(key))
