"""Password rules against an account and its roles, and the services that change passwords."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.core.parameters import parameter_set
from xinan.identity import parameters as p
from xinan.identity import selectors, services
from xinan.identity.models import PasswordHistory, User
from xinan.identity.passwords import (password_change, password_rules, password_set_by_admin,
                                      password_validate)

from .helpers import GOOD, events

ADMIN_8 = "Kq7#mX2p"  # 8 characters, otherwise acceptable
ADMIN_9 = "Kq7#mX2pz"
STAFF_6 = "Kq7#mX"
STAFF_7 = "Kq7#mX2"


def _length_errors(errors):
    return [e for e in errors if "长度" in e]


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "auditor"])
def test_administrator_length_is_strictly_more_than_eight(make_user, role):
    """p04.3-c, p21.5.1.5-b: 多于八位 — 8 characters refused, 9 accepted, for every 三员 role."""
    user = make_user(role)
    assert _length_errors(password_validate(user, ADMIN_8))
    assert password_validate(user, ADMIN_9) == []


def test_ordinary_length_is_strictly_more_than_six(make_user):
    """p21.5.1.5-b: 大于6字符 — 6 refused, 7 accepted for staff and other non-administrator roles."""
    for user in (make_user("staff"), make_user("deputy_gm"), make_user()):
        assert _length_errors(password_validate(user, STAFF_6))
        assert password_validate(user, STAFF_7) == []


def test_staff_seven_characters_refused_once_they_become_administrator(make_user):
    """The rule class follows the roles the person holds now."""
    from xinan.org import services as org
    from xinan.org.models import Role

    user = make_user("staff")
    assert password_validate(user, STAFF_7) == []
    org.role_grant_direct(None, person=user.person, role=Role.objects.get(code="auditor"))
    assert _length_errors(password_validate(user, STAFF_7))


def test_letters_and_digits_mixed(staff):
    assert any("字母和数字" in e for e in password_validate(staff, "Kq#mXpz!w"))
    assert any("字母和数字" in e for e in password_validate(staff, "93#84!75%1"))
    assert password_validate(staff, "Kq#mX9z!w") == []


def test_name_and_pinyin_refused_for_the_persons_name(make_user):
    """p02.3.1: 张伟 -> zhangwei and zw refused, case-insensitive, also inside the password."""
    user = make_user("staff", name="张伟")
    for bad in ("zhangwei#9K", "xZhangWei#9", "ZW#9k3q7x", "9k#张伟3q7"):
        assert "口令不得包含姓名或其拼音 / the password must not contain the name or its pinyin" in password_validate(user, bad)
    assert password_validate(user, "Pv7#kd2Wq") == []
    other = make_user("staff", name="李娜")
    assert password_validate(other, "zhangwei#9K") == []


def test_username_refused(make_user):
    user = make_user("staff", username="kestrel")
    assert any("用户名" in e for e in password_validate(user, "Kestrel#9q"))


def test_birthday_refused(make_user):
    """p02.3.1: the person's birthday in any common form, and any date-looking digits."""
    user = make_user("staff", birth_date=date(1988, 3, 21))
    for bad in ("Kq#19880321x", "Kq#880321x", "Kq#0321mx9", "Kq#2103mx9", "Kq#21031988"):
        assert "口令不得包含生日 / the password must not contain the birthday" in password_validate(user, bad), bad
    assert any("日期" in e for e in password_validate(user, "Kq#20150704x"))
    assert password_validate(user, "Pv7#kd2Wq") == []


def test_repeated_sequential_and_patterned_refused(staff):
    """p02.3.1, p04.3-b: 888888, aaaaaa, 123456, abcdef, 654321, qwerty, 121212."""
    expectations = {
        "Kq#888888x": "重复", "aaaaaa#K9": "重复", "Kq#123456x": "连续", "abcdef#K9": "连续",
        "Kq#654321x": "连续", "qwerty#K9": "连续", "Kq#121212x": "规律",
    }
    for bad, word in expectations.items():
        assert any(word in e for e in password_validate(staff, bad)), bad


def test_all_failures_reported_at_once_in_both_languages(staff):
    errors = password_validate(staff, "123456")
    assert len(errors) >= 3  # too short, no letters, sequential
    assert all(" / " in e for e in errors)


def test_pattern_run_parameter_changes_the_threshold(staff, security_admin):
    assert password_validate(staff, "Kq#123x9mz") == []
    parameter_set(security_admin, p.PATTERN_RUN, 3)
    assert any("连续" in e for e in password_validate(staff, "Kq#123x9mz"))


def _set(user, password):
    password_change(user, user, user._raw, password)
    user._raw = password


def test_last_five_passwords_not_reused(staff):
    """p04.3-b: none of the last 5 passwords (the current one included) may come back."""
    staff._raw = GOOD
    chain = ["Pv7#kd2Wq", "Hm4!xr8Tz", "Jd6@wq3Lp", "Fy9$nt2Bk", "Rc5%gh7Mv", "Wz8&bs4Qe"]
    for pw in chain[:5]:
        _set(staff, pw)
    assert PasswordHistory.objects.filter(user=staff).count() == 5
    with pytest.raises(ValidationError) as exc:
        password_change(staff, staff, staff._raw, chain[0])
    assert any("最近 5 次" in m for m in exc.value.messages)
    _set(staff, chain[5])  # chain[0] is now the sixth most recent
    assert password_validate(staff, chain[0]) == []
    assert any("最近 5 次" in e for e in password_validate(staff, chain[1]))
    assert any("最近 5 次" in e for e in password_validate(staff, chain[5]))


def test_history_parameter(staff, security_admin):
    staff._raw = GOOD
    for pw in ("Pv7#kd2Wq", "Hm4!xr8Tz"):
        _set(staff, pw)
    assert any("最近" in e for e in password_validate(staff, "Pv7#kd2Wq"))
    parameter_set(security_admin, p.HISTORY, 1)
    assert password_validate(staff, "Pv7#kd2Wq") == []
    assert any("最近 1 次" in e for e in password_validate(staff, "Hm4!xr8Tz"))


def test_password_change_is_audited_without_the_password(staff):
    """p04.4-a, p27.2.12-c: only an Argon2id hash is stored; the audit image holds neither the
    password nor the hash."""
    password_change(staff, staff, GOOD, "Pv7#kd2Wq")
    staff.refresh_from_db()
    assert staff.check_password("Pv7#kd2Wq") and staff.password.startswith("argon2$argon2id$")
    assert not staff.must_change_password
    [event] = events("identity.password.change", staff)
    image = f"{event.before}{event.after}{event.reason}"
    assert "Pv7#kd2Wq" not in image and GOOD not in image and "argon2" not in image
    history = PasswordHistory.objects.filter(user=staff).first()
    assert history.password == staff.password


def test_password_change_requires_the_current_password(staff):
    with pytest.raises(ValidationError):
        password_change(staff, staff, "Guess#123q", "Pv7#kd2Wq")
    [event] = events("identity.password.change_failed", staff)
    assert "Guess#123q" not in f"{event.after}"
    staff.refresh_from_db()
    assert staff.check_password(GOOD)


def test_password_change_only_for_oneself(staff, system_admin):
    with pytest.raises(PermissionDenied):
        password_change(system_admin, staff, GOOD, "Pv7#kd2Wq")


def test_password_set_by_admin_forces_a_change(staff, system_admin, security_admin):
    with pytest.raises(PermissionDenied):
        password_set_by_admin(security_admin, staff, "Pv7#kd2Wq")
    with pytest.raises(PermissionDenied):
        password_set_by_admin(system_admin, system_admin, "Pv7#kd2Wqx")
    with pytest.raises(ValidationError):
        password_set_by_admin(system_admin, staff, "123456")
    password_set_by_admin(system_admin, staff, "Pv7#kd2Wq", reason="忘记口令")
    staff.refresh_from_db()
    assert staff.must_change_password and staff.check_password("Pv7#kd2Wq")
    [event] = events("identity.password.set_by_admin", staff)
    assert event.actor_id == system_admin.pk and "Pv7#kd2Wq" not in f"{event.before}{event.after}"


def test_expiry_fifteen_days_for_administrators_thirty_for_others(staff, system_admin):
    """p04.3-a (管理员每十五天), p02.3.2-a (间隔不超过一个月, within p21.5.1.5-c's six months),
    p27.2.12-b (each class of user has its own maximum age)."""
    now = timezone.now()
    for user, ok_days, expired_days in ((system_admin, 14, 16), (staff, 29, 31)):
        User.objects.filter(pk=user.pk).update(password_changed_at=now - timedelta(days=ok_days))
        user.refresh_from_db()
        assert not selectors.password_expired(user)
        User.objects.filter(pk=user.pk).update(password_changed_at=now - timedelta(days=expired_days))
        user.refresh_from_db()
        assert selectors.password_expired(user)


def test_parameter_change_alters_the_rule_and_is_audited(staff, security_admin, system_admin):
    """p27.2.5-b: the security administrator sets the parameters; each change is an audit event."""
    assert password_validate(staff, STAFF_7) == []
    with pytest.raises(PermissionDenied):
        parameter_set(system_admin, p.LENGTH_GT, 8)
    with pytest.raises(ValidationError):
        parameter_set(security_admin, p.LENGTH_GT, 2)
    parameter_set(security_admin, p.LENGTH_GT, 8, reason="加强")
    assert _length_errors(password_validate(staff, "Kq7#mX2pz"[:8]))
    assert password_validate(staff, "Kq7#mX2pz") == []
    event = events("core.parameter.set")[-1]
    assert event.subject_id == p.LENGTH_GT and event.before == {"value": 6} and event.after == {"value": 8}
    assert event.actor_id == security_admin.pk
    assert any("多于 8 位" in r for r in password_rules(staff))


def test_account_create(make_person, system_admin, security_admin):
    """p04.4-b: a new account has a password, following the person's rules, changed at first login."""
    person = make_person(name="王芳")
    with pytest.raises(PermissionDenied):
        services.account_create(security_admin, person, "wangfang", "Pv7#kd2Wq")
    with pytest.raises(ValidationError):
        services.account_create(system_admin, person, "wangfang", "wangfang#9")
    user = services.account_create(system_admin, person, "wangfang", "Pv7#kd2Wq")
    assert user.must_change_password and user.check_password("Pv7#kd2Wq")
    assert PasswordHistory.objects.filter(user=user).count() == 1
    [event] = events("identity.account.create", user)
    assert "password" not in event.after and "Pv7#kd2Wq" not in str(event.after)
    with pytest.raises(ValidationError):
        services.account_create(system_admin, person, "wangfang2", "Pv7#kd2Wq")
