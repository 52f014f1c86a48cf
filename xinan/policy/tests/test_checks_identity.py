"""Checks over login accounts: p04.3-a / p02.3.2-a / p21.5.1.5-c (password age), p27.2.12-b
(second factor of the 三员), p04.4-b (every account has a password), p10.38-b (accounts of
people who left). Each plants a violation, asserts the finding, fixes it, asserts it resolved."""

from datetime import timedelta

from xinan.core import parameters
from xinan.identity import services as identity
from xinan.identity.models import User
from xinan.identity.passwords import password_change
from xinan.org import services as org
from xinan.policy.models import Finding

from .conftest import days_ago, open_findings, save_audited

PASSWORD = "Xa9#kq2!Lm7z"


def _age(user, days, **extra):
    User.objects.filter(pk=user.pk).update(password_changed_at=days_ago(days, **extra))
    user.refresh_from_db()
    return user


def test_p04_3_a_administrator_password_older_than_15_days(make_user, run):
    admin = make_user("system_admin", name="李明")
    fresh = _age(make_user("auditor", name="赵强"), 14)
    _age(admin, 16)
    clerk = _age(make_user("staff", name="林晓燕"), 16)  # a clerk's 16 days are within 30

    findings = run("p04.3-a")
    assert [(f.subject_type, f.subject_id) for f in findings] == [("identity.user", str(admin.pk))]
    f = findings[0]
    assert (f.clause, f.severity, f.subject_label) == ("p04.3-a", "violation", f"{admin.username}(李明)")
    assert f.message_zh.startswith(f"管理员账号 {admin.username}(李明) 的口令最后修改于 ")
    assert f.message_zh.endswith("已超过15天的更换周期")
    assert f.since == admin.password_changed_at + timedelta(days=15)
    assert f.evidence["max_age"] == "P15D"
    assert run("p02.3.2-a") == []  # administrators answer to p04.3-a, not twice
    assert fresh.pk and clerk.pk

    password_change(admin, admin, PASSWORD, "Zq8#Harbor2027")
    assert run("p04.3-a") == []
    assert Finding.objects.get(clause="p04.3-a").resolved_at is not None


def test_p02_3_2_a_others_password_older_than_30_days_and_never_changed(make_user, run):
    clerk = _age(make_user("staff", name="林晓燕"), 31)
    never = make_user("staff", name="张伟")
    User.objects.filter(pk=never.pk).update(password_changed_at=None)
    findings = {f.subject_id: f for f in run("p02.3.2-a")}
    assert set(findings) == {str(clerk.pk), str(never.pk)}
    assert findings[str(clerk.pk)].message_en.endswith("older than P30D")
    assert findings[str(never.pk)].message_zh == f"账号 {never.username}(张伟) 从未修改口令,口令更换周期为30天"
    assert findings[str(never.pk)].since == User.objects.get(pk=never.pk).created_at

    password_change(clerk, clerk, PASSWORD, "Yo2#Maple2027x")
    assert set(f.subject_id for f in run("p02.3.2-a")) == {str(never.pk)}
    assert Finding.objects.get(clause="p02.3.2-a", subject_id=str(clerk.pk)).resolved_at is not None


def test_another_company_rotates_every_30_days(make_user, run):
    admin = _age(make_user("system_admin"), 20)
    assert [f.subject_id for f in run("p04.3-a")] == [str(admin.pk)]
    parameters.parameter_set(make_user("security_admin"), "identity.password.admin_max_age_days", 30)
    assert run("p04.3-a") == []
    assert Finding.objects.get(clause="p04.3-a").resolved_at is not None


def test_p21_5_1_5_c_password_older_than_six_months(make_user, run):
    old = _age(make_user("staff"), 200)
    _age(make_user("staff"), 100)
    findings = run("p21.5.1.5-c")
    assert [f.subject_id for f in findings] == [str(old.pk)]
    assert findings[0].evidence["max_age"] == "P6M" and "6个月" in findings[0].message_zh


def test_p27_2_12_b_triad_account_without_second_factor(make_user, run):
    auditor = make_user("auditor", name="赵强")
    make_user("staff")  # no second factor needed
    findings = run("p27.2.12-b")
    assert len(findings) == 1
    f = findings[0]
    assert (f.severity, f.subject_id) == ("warning", str(auditor.pk))
    assert f.message_zh == f"账号 {auditor.username}(赵强) 担任须双因素认证的角色(auditor),尚未启用双因素认证"
    assert f.evidence == {"roles": ["auditor"], "mfa_enabled": False}

    save_audited(auditor, mfa_enabled=True)
    assert run("p27.2.12-b") == []
    assert Finding.objects.get(clause="p27.2.12-b").resolved_at is not None


def test_p04_4_b_enabled_account_without_password(make_user, run):
    user = make_user("staff")
    with_password = make_user("staff")
    user.set_unusable_password()
    save_audited(user, password=user.password)
    findings = run("p04.4-b")
    assert [(f.subject_id, f.severity) for f in findings] == [(str(user.pk), "violation")]
    assert with_password.pk != user.pk

    identity.account_deactivate(None, user, reason="停用无口令账号")
    assert run("p04.4-b") == []
    assert Finding.objects.get(clause="p04.4-b").resolved_at is not None


def test_p10_38_b_account_of_a_person_who_left(make_user, run):
    user = make_user("staff", name="吴敏")
    org.person_depart(None, user.person, effective_at=days_ago(0, hours=3), reason="离职")
    user.refresh_from_db()
    assert not user.is_active  # identity disables it in the departure's transaction
    assert run("p10.38-b") == []

    save_audited(user, is_active=True)  # as a restored backup or a manual edit could leave it
    findings = run("p10.38-b")
    assert len(findings) == 1
    f = findings[0]
    person = user.person
    person.refresh_from_db()
    assert (f.clause, f.severity, f.subject_type, f.subject_id) == ("p10.38-b", "violation", "identity.user", str(user.pk))
    assert f.message_zh == f"吴敏({person.employee_no})已于 {person.left_on} 离职,账号 {user.username} 仍未停用"
    assert f.since == person.status_changed_at + timedelta(hours=1)
    assert open_findings("p10.38-b")[0].first_seen_at is not None
    assert run("p04.3-a") == [] and run("p02.3.2-a") == []  # a leaver's account is reported once, here

    identity.account_deactivate(None, user, reason="补办停用")
    assert run("p10.38-b") == []
    assert Finding.objects.get(clause="p10.38-b").resolved_at is not None


def test_p10_38_b_waits_for_the_configured_time(make_user, run):
    user = make_user("staff")
    org.person_depart(None, user.person, effective_at=days_ago(0, minutes=10))
    save_audited(User.objects.get(pk=user.pk), is_active=True)
    assert run("p10.38-b") == []  # within the hour p10.38-b allows
    parameters.parameter_set(make_user("security_admin"), "p10.38-b.within", "PT5M")
    assert [f.subject_id for f in run("p10.38-b")] == [str(user.pk)]
