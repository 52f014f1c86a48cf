"""The IP plan's duties with a cadence (``xinan.obligations``):

- ``p04.6.5.traffic_monitoring`` 定期对网站进行网络数据包的监控: once per calendar period (pack
  parameter ``p04.6.5.cadence``; the source gives no number, a month by default) the system
  administrator monitors public servers' traffic; met by a 网络监控记录 (register
  ``monitoring-reports``) whose period ends within the task's period.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinan.obligations.registry import Evidence, obligation

from .models import MonitoringReport


@obligation("p04.6.5.traffic_monitoring", clauses=["p04.6.5"], cadence=("p04.6.5", "cadence"),
            assignee={"role": "system_admin"}, evidence_register="monitoring-reports",
            title=_("网络数据包监控"), title_en="Monitor the public servers' network traffic")
def traffic_monitoring(ctx, tasks):
    """p04.6.5: met by a monitoring report whose period ends within the task's period."""
    rows = list(tasks.values("pk", "period_start", "due_at"))
    if not rows:
        return {}
    first = min(timezone.localdate(r["period_start"]) for r in rows)
    last = max(timezone.localdate(r["due_at"]) for r in rows)
    reports = list(MonitoringReport.objects.filter(archived_at__isnull=True, period_end__gte=first, period_end__lte=last)
                   .order_by("period_end"))
    met = {}
    for r in rows:
        start, end = timezone.localdate(r["period_start"]), timezone.localdate(r["due_at"])
        report = next((m for m in reports if start <= m.period_end <= end), None)
        if report is not None:
            met[r["pk"]] = Evidence.of(report)
    return met
