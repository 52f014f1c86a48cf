"""远程接入申请 and the gateway's accounts (p15.2.26-a); user-name/IP pairs (p15.2.26-b)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.network import remote_access, services
from xinan.network.facts import facts_import
from xinan.network.models import IPAllocation, RemoteAccessApplication
from xinan.network.observations import observations_import
from xinan.policy.services import checks_run

from .conftest import csv_bytes, moment, stamp


def backdate(hours=5):
    """Allocations made a while ago (their identity predates the observations)."""
    IPAllocation.objects.update(identity_since=timezone.now() - timedelta(hours=hours))


def run(clause):
    return sorted((f.subject_label, f.message_zh) for f in checks_run(as_of=timezone.now(), clause=clause).findings)


def accounts_file(rows):
    return csv_bytes(rows, header=("account", "enabled", "last_login"))


@pytest.fixture
def applicant(make_person):
    return make_person(name="李远程")


def apply(actor, applicant, account="vpn-li", days=30, **extra):
    today = timezone.localdate()
    return remote_access.remote_access_create(actor, department=applicant.department, applicant=applicant,
                                              account=account, purpose="出差期间访问办公系统", valid_from=today,
                                              valid_until=today + timedelta(days=days), **extra)


def test_requester_cannot_approve_and_it_section_decides(make_user, applicant):
    """p15.2.26-a 远程接入须向信息科申请: the IT section (system_admin) approves; the requester and the
    applicant never decide on their own application; staff cannot approve."""
    requester = make_user("staff", "system_admin")
    application = apply(requester, applicant)
    assert application.number.startswith(f"RA{timezone.localdate():%Y}-")
    assert application.status == RemoteAccessApplication.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        remote_access.remote_access_approve(requester, application)
    own = make_user("system_admin", person=applicant)
    with pytest.raises(PermissionDenied):
        remote_access.remote_access_approve(own, application)
    with pytest.raises(PermissionDenied):
        remote_access.remote_access_approve(make_user("staff"), application)
    it = make_user("system_admin")
    remote_access.remote_access_approve(it, application, note="同意,限期使用")
    application.refresh_from_db()
    assert (application.status, application.approved_by) == (RemoteAccessApplication.Status.APPROVED, it)
    with pytest.raises(ValidationError):
        remote_access.remote_access_reject(it, application)
    with pytest.raises(ValidationError):
        apply(None, applicant, account="vpn-bad", days=-3)


def test_enabled_gateway_accounts_need_an_approved_unexpired_application(make_user, applicant):
    """p15.2.26-a: every enabled remote-access account of the latest gateway export links to an
    approved application covering today; disabled accounts and approved ones are not flagged."""
    it = make_user("system_admin")
    approved = apply(None, applicant, account="vpn-li")
    remote_access.remote_access_approve(it, approved)
    pending = apply(None, applicant, account="vpn-wang")
    expired = apply(None, applicant, account="vpn-old", days=10)
    remote_access.remote_access_approve(it, expired)
    RemoteAccessApplication.objects.filter(pk=expired.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    result = facts_import(None, kind="remote_accounts", file_name="vpn.csv", content=accounts_file([
        ("VPN-LI", "是", "2025-05-01 08:00"), ("vpn-wang", "true", ""), ("vpn-old", "1", ""), ("vpn-ghost", "enabled", ""),
        ("vpn-off", "禁用", "")]))
    assert result.ok, result.errors
    assert [label for label, _m in run("p15.2.26-a")] == ["vpn-ghost", "vpn-old", "vpn-wang"]
    remote_access.remote_access_approve(it, pending)
    assert [label for label, _m in run("p15.2.26-a")] == ["vpn-ghost", "vpn-old"]
    # a newer export without those accounts (removed on the gateway) ends the findings
    facts_import(None, kind="remote_accounts", file_name="vpn2.csv",
                 content=accounts_file([("vpn-li", "yes", ""), ("vpn-old", "no", "")]))
    assert run("p15.2.26-a") == []


def test_gateway_export_bad_rows_are_all_reported_and_nothing_is_stored(db):
    """p15.2.26-a: the import refuses a file with bad rows, naming each, and stores nothing."""
    from xinan.network.models import FactImport

    result = facts_import(None, kind="remote_accounts", file_name="vpn.csv",
                          content=accounts_file([("vpn-a", "maybe", ""), ("", "yes", "not a time")]))
    assert not result.ok
    assert result.errors == ["第2行 启用: 应为 是/否(true/false) / must be yes or no",
                             "第3行 账号: 不能为空 / required",
                             "第3行 最近登录: 时间格式应为 YYYY-MM-DD HH:MM / time must be YYYY-MM-DD HH:MM"]
    assert not FactImport.objects.exists()


def test_observed_user_name_must_match_the_allocation(allocate, office):
    """p15.2.26-b 用户名和 IP 地址一经指定不得擅自更改: an address used under another user name, or a
    user seen on an address other than the one assigned to them, is flagged; matching pairs are not."""
    allocate("192.168.10.11", "PC-011", mac="aa:bb:cc:00:00:11", network_user="zhangsan")
    allocate("192.168.10.12", "PC-012", mac="aa:bb:cc:00:00:12", network_user="lisi")
    allocate("192.168.10.13", "PC-013", mac="aa:bb:cc:00:00:13", network_user="wangwu")
    backdate()
    seen = stamp(moment())
    result = observations_import(None, file_name="nac.csv", content=csv_bytes([
        ("192.168.10.11", "aa:bb:cc:00:00:11", "", seen, "ZhangSan"),
        ("192.168.10.12", "aa:bb:cc:00:00:12", "", seen, "zhaoliu"),
        ("192.168.10.13", "aa:bb:cc:00:00:13", "", seen, "zhangsan"),
    ], header=("ip", "mac", "hostname", "seen_at", "用户名")))
    assert result.ok, result.errors
    assert run("p15.2.26-b") == [
        ("192.168.10.11 PC-011", "入网用户 zhangsan 指定的 IP 为 192.168.10.11,观测到其使用 192.168.10.13"),
        ("192.168.10.12 PC-012", "IP 192.168.10.12 登记的入网用户名为 lisi,观测到以用户名 zhaoliu 使用"),
        ("192.168.10.13 PC-013", "IP 192.168.10.13 登记的入网用户名为 wangwu,观测到以用户名 zhangsan 使用"),
    ]


def test_approved_user_name_change_is_not_held_against_the_allocation(allocate, office):
    """p15.2.26-b: the administrator's change of the user name is the approved change; observations
    older than it are not findings, newer matching ones neither."""
    allocation = allocate("192.168.10.21", "PC-021", network_user="old-user")
    backdate()
    observations_import(None, file_name="nac.csv", content=csv_bytes(
        [("192.168.10.21", "", "", stamp(moment(2)), "new-user")], header=("ip", "mac", "hostname", "seen_at", "user")))
    assert len(run("p15.2.26-b")) == 1
    services.allocation_update(None, allocation, network_user="new-user", reason="更名")
    assert allocation.events.filter(kind="changed").exists()
    assert run("p15.2.26-b") == []


def test_application_by_a_person_runs_through_the_workflow(make_user, applicant):
    """p15.2.26-a: an application a person submits starts the remote_access_approval workflow; the
    IT section approves it in the workflow inbox (the application follows); the submitter cannot
    take the step; a withdrawal cancels the workflow."""
    from xinan.workflows.services import workflow_act

    staff, it = make_user("staff"), make_user("system_admin")
    application = apply(staff, applicant)
    instance = remote_access.workflow_of(application)
    assert instance is not None and instance.definition.code == "remote_access_approval"
    with pytest.raises(PermissionDenied):
        remote_access.remote_access_approve(staff, application)
    workflow_act(it, instance, "approve", "同意")  # as the inbox does
    application.refresh_from_db()
    assert (application.status, application.approved_by, application.decision_note) == ("approved", it, "同意")
    second = apply(staff, applicant, account="vpn-2")
    remote_access.remote_access_withdraw(staff, second, note="不需要了")
    second.refresh_from_db()
    assert second.status == "withdrawn" and remote_access.workflow_of(second) is None
