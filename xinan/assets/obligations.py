"""The assets domain's duties with a cadence (autodiscovered by ``xinan.obligations``).

- ``p15.5.3-b.stocktake`` 每年清点一次: one task per calendar period of the pack's
  ``p15.5.3-b.cadence`` (a year) for the system administrator, met by a stock-take closed in the
  period (register ``stocktakes``).
- ``p01.5.1.e.maintenance`` 每月按说明书维护一次: one task per period of ``p01.5.1.e.cadence``
  (a month) for the system administrator, met once every computer and server in service has a
  routine maintenance record in the period (register ``maintenance``).

Both leave the per-department / per-device findings to their checks (``report_overdue=False``);
the tasks add the due date, the reminder and the escalation.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.obligations.registry import Evidence, obligation

from .models import Equipment, MaintenanceRecord, StockTake

IN_SERVICE = ("in_use", "spare", "repair", "external_repair", "scrapping")


@obligation("p15.5.3-b.stocktake", clauses=["p15.5.3-b"], cadence=("p15.5.3-b", "cadence"),
            assignee={"role": "system_admin"}, evidence_register="stocktakes", report_overdue=False,
            title=_("年度资产盘点"), title_en="Yearly stock-take of the assets")
def yearly_stocktake(ctx, tasks):
    """每年清点一次 (p15.5.3-b): met by a stock-take closed within the task's period."""
    met = {}
    for task in tasks:
        done = (StockTake.objects.filter(status=StockTake.Status.CLOSED, closed_at__gte=task.period_start,
                                         closed_at__lt=task.due_at).order_by("-closed_at").first())
        if done is not None:
            met[task.pk] = Evidence.of(done)
    return met


@obligation("p01.5.1.e.maintenance", clauses=["p01.5.1.e"], cadence=("p01.5.1.e", "cadence"),
            assignee={"role": "system_admin"}, evidence_register="maintenance", report_overdue=False,
            title=_("按设备说明书进行月度维护"), title_en="Monthly maintenance of computers and servers by the manual")
def monthly_maintenance(ctx, tasks):
    """每月按说明书维护一次 (p01.5.1.e): met when every computer and server in service has a
    routine maintenance record in the task's period."""
    met = {}
    for task in tasks:
        window = MaintenanceRecord.objects.filter(
            kind=MaintenanceRecord.Kind.ROUTINE, archived_at__isnull=True,
            performed_on__gte=timezone.localdate(task.period_start), performed_on__lt=timezone.localdate(task.due_at))
        lacking = (Equipment.objects.filter(archived_at__isnull=True, status__in=IN_SERVICE,
                                            kind__in=Equipment.COMPUTERS, registered_at__lt=task.due_at)
                   .exclude(Exists(window.filter(equipment_id=OuterRef("pk")))))
        last = window.order_by("-performed_on", "-pk").first()
        if last is not None and not lacking.exists():
            met[task.pk] = Evidence.of(last)
    return met
