"""The overdue-task check: an obligation whose task is past due and still pending is a finding
on the obligation's clause (warning), with the task as subject. Obligations whose clause has its
own check over the same records (p04.3-a's stale passwords) say ``report_overdue=False``.

Time alone makes a task overdue; ``tasks_escalate`` (every minute in the scheduler) marks it,
and that audited write re-evaluates this check for the changed tasks.
"""

from django.utils import timezone

from xinan.policy.checks import check

from .models import Task
from .registry import registry


def _reported():
    return [o for o in registry.values() if o.report_overdue]


def _clauses():
    return sorted({c for o in _reported() for c in o.clauses})


@check(None, check_id="obligations.overdue", severity="warning", subjects=("obligations.task",),
       narrow="obligations.task", covers=_clauses)
def overdue_tasks(ctx):
    """义务任务逾期未办:任务已过截止时间仍未办结。"""
    ids = [o.id for o in _reported()]
    qs = ctx.only(Task.objects.filter(obligation__in=ids, status__in=Task.PENDING, due_at__lte=ctx.as_of))
    found = []
    for r in qs.values("pk", "clause", "title_zh", "title_en", "due_at", "escalation_level"):
        due = f"{timezone.localtime(r['due_at']):%Y-%m-%d %H:%M}"
        found.append(ctx.found(
            ("obligations.task", r["pk"], r["title_zh"]),
            f"任务「{r['title_zh']}」已于 {due} 到期,仍未办结",
            f"task '{r['title_en']}' was due {due} and is still pending",
            clause=r["clause"], since=r["due_at"], evidence={"due_at": r["due_at"], "escalation_level": r["escalation_level"]},
        ))
    return found
