"""Proofs of the network_ip prohibitions the pack implements by the register ``network-violations``
and the check ``network.violations``: a hit of the monitoring (IDS, proxy, mail gateway, NAC) is
recorded by the network administrator through the register, is a violation finding of exactly the
clause its kind breaks, and stays one until the person is named and the case handled; the finding
is then resolved and the record stays. One test per clause id (named in its docstring)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.core.registers import registry
from xinan.network.models import NetworkViolation
from xinan.policy.models import Finding
from xinan.policy.services import checks_run

ALL_CLAUSES = set(NetworkViolation.CLAUSES.values())


def _prove(kind, clause, source, make_user, make_person):
    """Record a hit of ``kind`` through the register and follow it to its resolution."""
    assert NetworkViolation.CLAUSES[kind] == clause
    register = registry.get("network-violations")
    detected = timezone.now() - timedelta(hours=3)
    data = {"number": f"NV-{kind}", "kind": kind, "source": source, "detected_at": detected, "ip": "10.0.8.21",
            "description": "监控发现"}
    with pytest.raises(PermissionDenied):
        register.do_create(make_user("staff"), dict(data))  # staff cannot record (or hide) a violation
    admin = make_user("system_admin")
    v = register.do_create(admin, dict(data), reason="监控告警")
    assert AuditEvent.objects.filter(action="network.networkviolation.create", subject_id=str(v.pk),
                                     actor_id=admin.pk).exists()

    # Before its detection there is nothing; from then on a violation of exactly this clause.
    assert checks_run(clause=clause, as_of=detected - timedelta(minutes=1)).findings == []
    found = checks_run(clause=clause).findings
    assert [(f.clause, f.severity, f.subject_id) for f in found] == [(clause, "violation", str(v.pk))]
    assert "未查明行为人" in found[0].message_zh and "待处理" in found[0].message_zh
    assert found[0].since == detected
    assert all(checks_run(clause=c, as_of=timezone.now()).findings == [] for c in ALL_CLAUSES - {clause})

    # An open violation cannot be archived out of sight.
    with pytest.raises(ValidationError):
        register.do_archive(admin, v, reason="清理")
    # Naming the person is not enough, nor is handling without naming them.
    offender = make_person("违规人")
    register.do_update(admin, v, {"person": offender})
    assert [f.subject_id for f in checks_run(clause=clause).findings] == [str(v.pk)]
    register.do_update(admin, v, {"person": None, "handled_on": timezone.localdate(), "handling": "通报批评"})
    assert "已处理但未查明行为人" in checks_run(clause=clause).findings[0].message_zh

    # Attributed and handled: resolved, and the record stays.
    register.do_update(admin, v, {"person": offender})
    assert checks_run(clause=clause).findings == []
    stored = Finding.objects.get(clause=clause, subject_id=str(v.pk))
    assert stored.resolved_at is not None
    assert NetworkViolation.objects.get(pk=v.pk).handling == "通报批评"
    register.do_archive(admin, NetworkViolation.objects.get(pk=v.pk), reason="已处理归档")


def test_p01_6_1_a_illegal_sites_and_mail(make_user, make_person):
    """p01.6.1-a 禁止浏览非法网站及邮件: a proxy or mail-gateway hit on illegal content is a violation
    until attributed and handled."""
    _prove("illegal_content", "p01.6.1-a", "mail", make_user, make_person)


def test_p04_6_2_a_port_scans(make_user, make_person):
    """p04.6.2-a 不准扫描端口: an IDS alert of an internal port scan is a violation until attributed
    and handled."""
    _prove("port_scan", "p04.6.2-a", "ids", make_user, make_person)


def test_p05_5_2_intrusion_into_others_computers(make_user, make_person):
    """p05.5.2 禁止入侵他人计算机: an intrusion attempt from an internal host is a violation until
    attributed and handled."""
    _prove("intrusion", "p05.5.2", "ids", make_user, make_person)


def test_p07_17_a_non_work_downloads(make_user, make_person):
    """p07.17-a 不得下载与工作无关文件: a proxy hit on a non-work download is a violation until
    attributed and handled."""
    _prove("download", "p07.17-a", "proxy", make_user, make_person)


def test_p15_2_17_unauthorised_external_links(make_user, make_person):
    """p15.2.17 禁止非授权外部链接: a dial-up, rogue link or wireless connection reported by NAC is a
    violation until attributed and handled."""
    _prove("external_link", "p15.2.17", "nac", make_user, make_person)


def test_p15_2_28_c_attacks_on_the_network_and_other_users(make_user, make_person):
    """p15.2.28-c 不得攻击网络和其他用户: an IDS alert of an attack from an internal user is a
    violation until attributed and handled."""
    _prove("attack", "p15.2.28-c", "ids", make_user, make_person)


def test_p27_1_5_a_private_internet_access_for_outsiders(make_user, make_person):
    """p27.1.5-a 严禁私自对外提供接入: a rogue access point or NAT sharing found by NAC is a
    violation until attributed and handled."""
    _prove("rogue_access", "p27.1.5-a", "nac", make_user, make_person)
