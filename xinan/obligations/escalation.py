"""Reminders before the due time and two-level escalation after it (set-based, audited).

- ``tasks_remind(now)``: open tasks whose ``remind_at`` has come and that were not reminded yet
  notify their assignees (the person, or every active holder of the role or post) once.
- ``tasks_escalate(now)``: an open task past ``due_at`` becomes *overdue*, escalation level 1:
  the head of the assignee's department is notified (``department_head`` grant for that
  department, else the nearest department above it; the security administrator when no
  department has one). An overdue task still pending ``second_after`` after its due time
  (parameter ``obligations.escalation.second_after``, or the obligation's own) becomes
  *escalated*, level 2: the security administrators are notified.

Each step is a conditional bulk UPDATE (``reminded_at IS NULL``, ``escalation_level = n-1``),
so a task is reminded once and reaches each level once, with one audit event per task and step
and one notification per recipient (a unique key per task, recipient and step).
"""

from django.db import transaction
from django.utils import timezone

from xinan.audit.services import audited_write, record_many
from xinan.core import parameters
from xinan.policy.durations import Duration

from . import senders
from .models import Notification, Task
from .recipients import Recipients
from .registry import registry

ROW_FIELDS = ("pk", "title_zh", "title_en", "due_at", "assignee_person_id", "assignee_role_id", "assignee_post_id",
              "department_id", "assignee_person__name", "assignee_role__name", "assignee_post__name", "obligation")


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _who(row) -> tuple[str, str]:
    from django.utils import translation

    name = row["assignee_person__name"] or row["assignee_role__name"] or row["assignee_post__name"] or "—"
    with translation.override("en"):
        from django.utils.translation import gettext

        return name, gettext(name)


def _notify(rows, recipients_of, kind: str, key: str, texts, now) -> tuple[list[Notification], dict[int, int]]:
    notes, counts = [], {}
    for row in rows:
        people = recipients_of(row)
        counts[row["pk"]] = len(people)
        zh, en = texts(row)
        notes.extend(Notification(recipient_id=p, task_id=row["pk"], kind=kind, key=key, message_zh=zh,
                                  message_en=en, created_at=now) for p in sorted(people))
    return notes, counts


def _save(notes: list[Notification], now) -> None:
    if not notes:
        return
    Notification.objects.bulk_create(notes, batch_size=1000, ignore_conflicts=True)
    task_ids = sorted({n.task_id for n in notes})
    transaction.on_commit(lambda: senders.deliver(task_ids, now))


def _events(rows, action: str, counts: dict, extra: dict) -> list[dict]:
    return [dict(actor=None, action=action, subject=("obligations.task", r["pk"], r["title_zh"]),
                 after={**extra, "recipients": counts[r["pk"]]}) for r in rows]


def tasks_remind(now=None) -> int:
    """Send the reminders that are due; returns how many tasks were reminded."""
    now = now or timezone.now()
    with audited_write():
        qs = Task.objects.filter(status=Task.Status.OPEN, reminded_at__isnull=True, remind_at__lte=now, due_at__gt=now)
        rows = list(qs.values(*ROW_FIELDS))
        if not rows:
            return 0
        who = Recipients(rows)

        def texts(r):
            return (f"待办「{r['title_zh']}」将于 {_when(r['due_at'])} 到期,请及时办理",
                    f"Task '{r['title_en']}' is due {_when(r['due_at'])}")

        notes, counts = _notify(rows, who.assignees, Notification.Kind.REMINDER, "reminder", texts, now)
        Task.objects.filter(pk__in=[r["pk"] for r in rows], reminded_at__isnull=True).update(reminded_at=now)
        _save(notes, now)
        record_many(_events(rows, "obligations.task.remind", counts, {}))
    return len(rows)


def _second_after_groups():
    """[(obligation ids or None for the rest, cut-off duration)]: obligations with their own
    ``second_after`` are escalated on their own cut-off; the others on the parameter's."""
    default = Duration.parse(parameters.get("obligations.escalation.second_after"))
    own = {}
    for ob in registry.values():
        if ob.second_after is not None:
            own.setdefault(ob.duration("second_after"), []).append(ob.id)
    return default, own


def tasks_escalate(now=None) -> dict:
    """Escalate overdue tasks (level 1 at the due time, level 2 after ``second_after``)."""
    now = now or timezone.now()
    done = {1: 0, 2: 0}
    with audited_write():
        rows = list(Task.objects.filter(status=Task.Status.OPEN, due_at__lte=now).values(*ROW_FIELDS))
        if rows:
            who = Recipients(rows)

            def heads(r):
                return who.heads(r) or who.security_admins

            def texts1(r):
                name_zh, name_en = _who(r)
                return (f"待办「{r['title_zh']}」已于 {_when(r['due_at'])} 逾期未办,责任人:{name_zh},请督办",
                        f"Task '{r['title_en']}' is overdue since {_when(r['due_at'])} (assignee: {name_en}); please follow up")

            notes, counts = _notify(rows, heads, Notification.Kind.ESCALATION, "escalation:1", texts1, now)
            Task.objects.filter(pk__in=[r["pk"] for r in rows], status=Task.Status.OPEN, escalation_level=0).update(
                status=Task.Status.OVERDUE, escalation_level=1, escalated_at=now)
            _save(notes, now)
            record_many(_events(rows, "obligations.task.escalate", counts, {"level": 1, "status": "overdue"}))
            done[1] = len(rows)
        default, own = _second_after_groups()
        level1 = Task.objects.filter(status=Task.Status.OVERDUE, escalation_level=1)
        rows = list(level1.filter(due_at__lte=default.before(now)).exclude(
            obligation__in=[i for ids in own.values() for i in ids]).values(*ROW_FIELDS))
        for duration, ids in own.items():
            rows.extend(level1.filter(obligation__in=ids, due_at__lte=duration.before(now)).values(*ROW_FIELDS))
        if rows:
            who = Recipients(rows)

            def texts2(r):
                name_zh, name_en = _who(r)
                return (f"待办「{r['title_zh']}」逾期已久(截止 {_when(r['due_at'])}),责任人:{name_zh},已升级至安全保密管理员",
                        f"Task '{r['title_en']}' is long overdue (due {_when(r['due_at'])}, assignee: {name_en}); "
                        f"escalated to the security administrator")

            notes, counts = _notify(rows, lambda r: who.security_admins, Notification.Kind.ESCALATION, "escalation:2",
                                    texts2, now)
            Task.objects.filter(pk__in=[r["pk"] for r in rows], escalation_level=1).update(
                status=Task.Status.ESCALATED, escalation_level=2, escalated_at=now)
            _save(notes, now)
            record_many(_events(rows, "obligations.task.escalate", counts, {"level": 2, "status": "escalated"}))
            done[2] = len(rows)
    return done
