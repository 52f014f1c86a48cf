"""The assets obligations: p15.5.3-b 每年清点一次 (a yearly task met by a closed stock-take) and
p01.5.1.e 每月按说明书维护一次 (a monthly task met when every computer was maintained)."""

from django.utils import timezone

from xinan.obligations.models import Task
from xinan.obligations.services import tasks_generate

from .. import services

STOCKTAKE = "p15.5.3-b.stocktake"
MAINTENANCE = "p01.5.1.e.maintenance"


def test_yearly_stocktake_task_is_met_by_a_closed_stocktake(admin, dept, device):
    device()
    result = tasks_generate(only=[STOCKTAKE])
    assert result.created == 1
    task = Task.objects.get(obligation=STOCKTAKE)
    assert task.status == "open" and task.clause == "p15.5.3-b" and task.assignee_role.code == "system_admin"
    assert timezone.localtime(task.period_start).month == 1 and timezone.localtime(task.period_start).day == 1
    take = services.stocktake_start(admin, title="年度盘点", department=dept)
    tasks_generate(only=[STOCKTAKE])
    assert Task.objects.get(pk=task.pk).status == "open"  # an open session is not the evidence
    services.stocktake_close(admin, take)
    tasks_generate(only=[STOCKTAKE])
    task.refresh_from_db()
    assert task.status == "done" and task.evidence_label == take.number


def test_monthly_maintenance_task_is_met_when_every_computer_was_maintained(admin, device, person):
    first, second = device(), device(kind="server")
    tasks_generate(only=[MAINTENANCE])
    task = Task.objects.get(obligation=MAINTENANCE)
    worker = admin.person  # the system administrator maintains (p01.5.1.a)
    services.maintenance_create(None, equipment=first, kind="routine", performed_on=timezone.localdate(),
                                performed_by=worker, content="按说明书维护", restored=True)
    tasks_generate(only=[MAINTENANCE])
    assert Task.objects.get(pk=task.pk).status == "open"  # the server is still due
    services.maintenance_create(None, equipment=second, kind="routine", performed_on=timezone.localdate(),
                                performed_by=worker, content="按说明书维护", restored=True)
    tasks_generate(only=[MAINTENANCE])
    assert Task.objects.get(pk=task.pk).status == "done"
