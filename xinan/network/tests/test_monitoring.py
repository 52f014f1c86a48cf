"""Network monitoring: violations found by IDS/proxy/mail gateway/NAC are findings of the clause
their kind breaks until attributed and handled (p01.6.1-a, p04.6.2-a, p05.5.2, p07.17-a,
p15.2.17, p15.2.28-c, p27.1.5-a); the periodic traffic monitoring is a task met by a report (p04.6.5)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from xinan.core.services import instance_create, instance_update
from xinan.network.models import MonitoringReport, NetworkViolation
from xinan.obligations.models import Task
from xinan.obligations.services import tasks_generate
from xinan.policy.services import checks_run


def found(clause):
    return [(f.subject_label, f.message_zh) for f in checks_run(as_of=timezone.now(), clause=clause).findings]


@pytest.mark.parametrize("kind, clause", sorted(NetworkViolation.CLAUSES.items()))
def test_each_kind_of_violation_is_a_finding_of_its_clause_until_handled(kind, clause, make_person):
    person = make_person("钱七")
    v = instance_create(None, NetworkViolation, {"number": "NV-1", "kind": kind, "source": "ids", "ip": "10.0.0.9",
                                                 "detected_at": timezone.now() - timedelta(hours=2),
                                                 "description": "监控发现"})
    label = NetworkViolation.Kind(kind).label
    assert found(clause) == [(f"NV-1({label})", f"网络违规 NV-1:{label}(10.0.0.9,未查明行为人),待处理")]
    instance_update(None, v, {"handled_on": date.today(), "handling": "批评教育"})
    assert found(clause) == [(f"NV-1({label})", f"网络违规 NV-1:{label}(10.0.0.9,未查明行为人),已处理但未查明行为人")]
    instance_update(None, v, {"person": person})
    assert found(clause) == []
    others = set(NetworkViolation.CLAUSES.values()) - {clause}
    assert all(found(c) == [] for c in others)


def test_traffic_monitoring_task_is_met_by_a_report(make_user, make_person):
    """p04.6.5 定期对网站进行网络数据包的监控: a monthly task for the system administrator."""
    make_user("system_admin")
    tasks_generate(only=["p04.6.5.traffic_monitoring"])
    task = Task.objects.get(obligation="p04.6.5.traffic_monitoring")
    assert task.status == "open"
    start, due = timezone.localdate(task.period_start), timezone.localdate(task.due_at)
    instance_create(None, MonitoringReport, {"number": "MR-1", "period_start": start, "period_end": due,
                                             "scope": "对外服务区服务器", "reviewer": make_person("网管丙"),
                                             "attacks_blocked": 2, "reported_on": due})
    tasks_generate(only=["p04.6.5.traffic_monitoring"])
    task.refresh_from_db()
    assert task.status == "done" and "MR-1" in task.evidence_label
