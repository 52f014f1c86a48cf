"""Password rules, checked against the account, its person and their roles, and the services
that change a password.

- p21.5.1.5-b, p04.3-c: longer than 6 characters for ordinary users, longer than 8 for
  administrators and the 三员 (多于/大于 read strictly: 7 and 9 at least).
- p02.3.1, p04.3-b: not the name or its pinyin, not a birthday or a date, not repeated,
  sequential or patterned characters; letters and digits mixed.
- p04.3-b: no reuse of the last N passwords (``identity.password.history``).
- p04.3-a, p02.3.2-a, p27.2.12-b: a password expires after 15 days for administrators, 30
  for others; an expired one must be changed at the next login.
- p04.4-a, p27.2.12-c: only Argon2id hashes are stored, never the password; audit images carry
  neither the password nor its hash.
All numbers are the parameters of ``identity.parameters``.
"""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.core.services import require

from . import parameters as p
from . import password_patterns as patterns
from . import selectors
from .models import PasswordHistory, User

MAX_LENGTH = 128  # an upper bound so a megabyte "password" cannot tie up the hasher


def password_rules(user) -> list[str]:
    """The rules that apply to this account, with its numbers, for the change page."""
    n = selectors.password_length_gt(user)
    history = p.value(p.HISTORY)
    run = p.value(p.PATTERN_RUN)
    days = selectors.password_max_age_days(user)
    return [
        _("长度多于 %(n)s 位(至少 %(m)s 位) / longer than %(n)s characters (at least %(m)s)") % {"n": n, "m": n + 1},
        _("同时包含字母和数字 / letters and digits mixed"),
        _("不得包含姓名或其拼音、用户名 / not the name, its pinyin or the user name"),
        _("不得包含生日或日期 / no birthday or date"),
        _("不得含 %(run)s 个及以上重复、连续或有规律的字符 / no run of %(run)s or more repeated, "
          "sequential or patterned characters") % {"run": run},
        _("不得与最近 %(n)s 次使用过的口令相同 / not one of the last %(n)s passwords") % {"n": history},
        _("有效期 %(days)s 天,到期须修改 / expires after %(days)s days") % {"days": days},
    ]


def _recent_hashes(user, count: int) -> list[str]:
    """The hashes of the last ``count`` passwords, the current one included."""
    if user.pk is None:
        return []
    hashes = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:count])
    if user.password and user.password not in hashes:
        hashes = [user.password] + hashes[: count - 1]
    return hashes


def password_validate(user, raw: str) -> list[str]:
    """Every rule this password fails for this account (all at once; empty when acceptable)."""
    raw = raw or ""
    errors = []
    n = selectors.password_length_gt(user)
    if len(raw) <= n:
        errors.append(_("口令长度须多于 %(n)s 位(至少 %(m)s 位) / the password must be longer than %(n)s "
                        "characters (at least %(m)s)") % {"n": n, "m": n + 1})
    if len(raw) > MAX_LENGTH:
        errors.append(_("口令不得超过 %(n)s 位 / the password must be at most %(n)s characters") % {"n": MAX_LENGTH})
    if not (any(c.isalpha() for c in raw) and any(c.isdigit() for c in raw)):
        errors.append(_("口令须同时包含字母和数字 / the password must mix letters and digits"))
    person = getattr(user, "person", None)
    if person is not None and patterns.contains_name(raw, person.name):
        errors.append(_("口令不得包含姓名或其拼音 / the password must not contain the name or its pinyin"))
    if user.username and len(user.username) >= 3 and user.username.lower() in raw.lower():
        errors.append(_("口令不得包含用户名 / the password must not contain the user name"))
    if person is not None and patterns.contains_birthday(raw, person.birth_date):
        errors.append(_("口令不得包含生日 / the password must not contain the birthday"))
    elif patterns.contains_date(raw):
        errors.append(_("口令不得包含日期 / the password must not contain a date"))
    run = p.value(p.PATTERN_RUN)
    if patterns.has_repeat(raw, run):
        errors.append(_("口令不得含重复字符(如 888888、aaaaaa) / the password must not repeat a character "
                        "(like 888888, aaaaaa)"))
    if patterns.has_sequence(raw, run):
        errors.append(_("口令不得含连续字符(如 123456、abcdef、654321、qwerty) / the password must not contain a "
                        "sequential run (like 123456, abcdef, 654321, qwerty)"))
    if patterns.has_pattern(raw, run):
        errors.append(_("口令不得含有规律的字符(如 121212、2468) / the password must not be patterned "
                        "(like 121212, 2468)"))
    history = p.value(p.HISTORY)
    if raw and any(check_password(raw, h) for h in _recent_hashes(user, history)):
        errors.append(_("口令不得与最近 %(n)s 次使用过的口令相同 / the password must not be one of the last "
                        "%(n)s passwords") % {"n": history})
    return errors


def _store(user: User, raw: str, *, must_change: bool) -> None:
    """Set the hash, the change time and the history row (inside the caller's audited_write)."""
    user.set_password(raw)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save()
    PasswordHistory(user=user, password=user.password).save()


def _image(user: User) -> dict:
    return {"must_change_password": user.must_change_password,
            "password_changed_at": user.password_changed_at.isoformat() if user.password_changed_at else None}


def password_change(actor, user: User, old: str, new: str, *, reason: str = "") -> User:
    """The account holder changes their own password (old one required)."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("只能修改本人的口令 / you may change only your own password"))
    if not check_password(old or "", user.password):
        with audited_write():
            record(actor, "identity.password.change_failed", user, after={"reason": "wrong_current_password"})
        raise ValidationError(_("原口令不正确 / the current password is wrong"))
    errors = password_validate(user, new)
    if errors:
        raise ValidationError(errors)
    with audited_write():
        before = _image(user)
        _store(user, new, must_change=False)
        record(actor, "identity.password.change", user, before=before, after=_image(user), reason=reason)
    return user


def password_set_by_admin(actor, user: User, new: str, *, reason: str = "") -> User:
    """The system administrator sets a password (new account, forgotten password); the holder
    must change it at the next login."""
    require(actor, "identity.account.manage")
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("请通过修改口令页面修改本人口令 / change your own password on the change page"))
    errors = password_validate(user, new)
    if errors:
        raise ValidationError(errors)
    with audited_write():
        before = _image(user)
        _store(user, new, must_change=True)
        record(actor, "identity.password.set_by_admin", user, before=before, after=_image(user), reason=reason)
    return user


def password_expire_if_due(user: User) -> bool:
    """At login: an expired password (p04.3-a: 15 days, p02.3.2-a: 30) forces a change."""
    if user.must_change_password or not selectors.password_expired(user):
        return user.must_change_password
    with audited_write():
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        record(None, "identity.password.expired", user,
               after={"must_change_password": True, "max_age_days": selectors.password_max_age_days(user)})
    return True
