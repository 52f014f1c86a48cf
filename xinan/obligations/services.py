"""Every write of the obligations engine: generating tasks, opening deadlines, completing,
cancelling, reminding and escalating. All set-based: each function runs a fixed number of
queries per obligation, never one per task, and appends its audit events in one batch
(``record_many``: one event per task touched, under one lock of the chain head).

Audit choice: one event per task and per step (``obligations.task.create``, ``.complete``,
``.cancel``, ``.reschedule``, ``.remind``, ``.escalate`` with its level), so a task's history
reads from the chain; an escalation is audited once per level because a task moves to a level
only once (the level is part of the conditional update).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, record, record_many, snapshot
from xinan.core import parameters
from xinan.org.models import Post, Role
from xinan.policy.durations import Duration, IsoDuration

from .models import Task
from .registry import Context, Evidence, Obligation, Subject, registry

REMIND_BEFORE = "obligations.reminder.before"
SECOND_AFTER = "obligations.escalation.second_after"
parameters.define(REMIND_BEFORE, "P3D", gettext_lazy("任务到期前多久提醒"), kind=IsoDuration)
parameters.define(SECOND_AFTER, "P3D", gettext_lazy("逾期多久后升级至安全保密管理员"), kind=IsoDuration)

PENDING = Task.PENDING
CREATE_IMAGE = ("obligation", "clause", "scope_key", "period_start", "due_at", "remind_at", "assignee_person",
                "assignee_role", "assignee_post", "department", "subject_type", "subject_id")


@dataclass
class GenerateResult:
    created: int = 0
    met: int = 0
    cancelled: int = 0
    rescheduled: int = 0
    by_obligation: dict = field(default_factory=dict)


def _zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


# --- building tasks ----------------------------------------------------------------------------

class _Builder:
    """Makes unsaved tasks for one generation run (roles and posts looked up once)."""

    def __init__(self, now: datetime, obligations: list[Obligation]):
        self.now = now
        codes = {o.assignee.get("role") for o in obligations} - {None}
        posts = {o.assignee.get("post") for o in obligations} - {None}
        self.roles = dict(Role.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
        self.posts = {code: (pk, dept) for code, pk, dept in
                      Post.objects.filter(code__in=posts, archived_at__isnull=True).values_list("code", "pk", "department_id")
                      } if posts else {}
        self.default_remind = Duration.parse(parameters.get(REMIND_BEFORE))

    def task(self, ob: Obligation, *, period_start, due_at, subject: Subject | None = None) -> Task | None:
        kind, value = next(iter(ob.assignee.items()))
        remind = ob.duration("remind_before") or self.default_remind
        task = Task(obligation=ob.id, clause=(subject.clause if subject and subject.clause else (ob.clauses or ("",))[0]),
                    title_zh=_zh(ob.title)[:255], title_en=str(ob.title_en)[:255], period_start=period_start,
                    due_at=due_at, remind_at=max(period_start, remind.before(due_at)), created_at=self.now)
        scope = ob.scope_prefix()
        if kind == "role":
            if value not in self.roles:
                return None
            task.assignee_role_id = self.roles[value]  # department: none (escalation finds the holders')
        elif kind == "post":
            if value not in self.posts:
                return None
            task.assignee_post_id, task.department_id = self.posts[value]
        else:
            if subject is None or subject.person_id is None:
                return None
            task.assignee_person_id, task.department_id = subject.person_id, subject.department_id
            scope = f"person:{subject.person_id}"
        if subject is not None:
            task.subject_type, task.subject_id, task.subject_label = subject.type, str(subject.id), subject.label[:255]
            task.title_zh = f"{task.title_zh}:{subject.label}"[:255]
            task.title_en = f"{task.title_en}: {subject.label}"[:255]
            scope = f"{scope}|{subject.key}" if scope else subject.key
        task.scope_key = scope[:160]
        return task


def _insert(tasks: list[Task], now: datetime, actor=None, reason: str = "") -> list[Task]:
    """Insert the tasks not already there (same obligation, period and scope); the unique
    constraint settles a race between two schedulers: the loser's rows are skipped."""
    if not tasks:
        return []
    existing = set(Task.objects.filter(obligation__in={t.obligation for t in tasks},
                                       scope_key__in={t.scope_key for t in tasks},
                                       period_start__in={t.period_start for t in tasks})
                   .values_list("obligation", "period_start", "scope_key"))
    fresh, seen = [], set(existing)
    for t in tasks:
        key = (t.obligation, t.period_start, t.scope_key)
        if key not in seen:
            seen.add(key)
            fresh.append(t)
    if not fresh:
        return []
    Task.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    mine = list(Task.objects.filter(created_at=now, obligation__in={t.obligation for t in fresh},
                                    scope_key__in={t.scope_key for t in fresh}))
    record_many([dict(actor=actor, action="obligations.task.create", subject=t, after=snapshot(t, CREATE_IMAGE),
                      reason=reason) for t in mine])
    return mine


# --- meeting, cancelling, rescheduling ---------------------------------------------------------

def _content_types(evidences) -> dict[str, ContentType]:
    labels = {e.model for e in evidences if e is not None}
    out = {}
    for label in labels:
        app_label, model = label.split(".")
        out[label] = ContentType.objects.get_by_natural_key(app_label, model)  # cached by Django
    return out


def _mark_met(met: dict[int, tuple[Evidence | None, datetime]], now: datetime) -> int:
    """Complete the given pending tasks with their evidence (the system as actor)."""
    if not met:
        return 0
    types = _content_types(e for e, _at in met.values())
    tasks = list(Task.objects.filter(pk__in=list(met), status__in=PENDING))
    for task in tasks:
        evidence, at = met[task.pk]
        task.status, task.done_at, task.done_by = Task.Status.DONE, at or now, None
        if evidence is not None:
            task.evidence_type = types[evidence.model]
            task.evidence_id, task.evidence_label = str(evidence.pk), evidence.label[:255]
    fields = ["status", "done_at", "done_by", "evidence_type", "evidence_id", "evidence_label"]
    Task.objects.bulk_update(tasks, fields, batch_size=500)
    record_many([dict(actor=None, action="obligations.task.complete", subject=t,
                      after=snapshot(t, fields), reason="met by the records") for t in tasks])
    return len(tasks)


def _cancel(ids: list[int], now: datetime, reason: str) -> int:
    if not ids:
        return 0
    tasks = list(Task.objects.filter(pk__in=ids, status__in=PENDING))
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(status=Task.Status.CANCELLED, done_at=now)
    record_many([dict(actor=None, action="obligations.task.cancel", subject=t, before={"status": t.status},
                      after={"status": "cancelled"}, reason=reason) for t in tasks])
    return len(tasks)


def _reschedule(changes: dict[int, datetime], remind: dict[int, datetime]) -> int:
    if not changes:
        return 0
    tasks = list(Task.objects.filter(pk__in=list(changes), status=Task.Status.OPEN))
    events = []
    for task in tasks:
        events.append(dict(actor=None, action="obligations.task.reschedule", subject=task,
                           before={"due_at": task.due_at}, after={"due_at": changes[task.pk]},
                           reason="the obligation's parameter changed"))
        task.due_at, task.remind_at = changes[task.pk], remind[task.pk]
    Task.objects.bulk_update(tasks, ["due_at", "remind_at"], batch_size=500)
    record_many(events)
    return len(tasks)


# --- generation --------------------------------------------------------------------------------

def _met_by_selector(ob: Obligation, ctx: Context) -> dict:
    open_tasks = Task.objects.filter(obligation=ob.id, status__in=PENDING)
    found = ob.func(ctx, open_tasks) or {}
    return {pk: (value if isinstance(value, tuple) else (value, None)) for pk, value in found.items()}


def _rolling(ob: Obligation, ctx: Context, builder: _Builder, result: GenerateResult):
    subjects = {s.key: s for s in ob.func(ctx)}
    every, lead = ob.every(), ob.duration("open_before")
    remind = ob.duration("remind_before") or builder.default_remind
    met, gone, changes, reminds, covered = {}, [], {}, {}, set()
    for row in Task.objects.filter(obligation=ob.id, status__in=PENDING).values(
            "pk", "subject_type", "subject_id", "period_start", "due_at", "escalation_level", "status"):
        subject = subjects.get(f"{row['subject_type']}:{row['subject_id']}")
        if subject is None:
            gone.append(row["pk"])
        elif subject.cycle_start > row["period_start"]:
            met[row["pk"]] = (subject.evidence, subject.cycle_start)
        else:
            covered.add(subject.key)
            due = subject.due_at or every.after(subject.cycle_start)
            if due != row["due_at"] and row["status"] == Task.Status.OPEN and row["escalation_level"] == 0:
                changes[row["pk"]] = due
                reminds[row["pk"]] = max(row["period_start"], remind.before(due))
    new = []
    for key, subject in subjects.items():
        if key in covered:
            continue
        due = subject.due_at or every.after(subject.cycle_start)
        if lead is not None and ctx.as_of < lead.before(due):
            continue
        task = builder.task(ob, period_start=subject.cycle_start, due_at=due, subject=subject)
        if task is not None:
            new.append(task)
    result.met += _mark_met(met, builder.now)
    result.cancelled += _cancel(gone, builder.now, "the subject no longer falls under the obligation")
    result.rescheduled += _reschedule(changes, reminds)
    return new


def _realign(current: Task) -> int:
    """The cadence changed (an organisation's override): the open, not yet escalated task whose
    period holds the start of the current period is moved onto the current period, rather than
    left on the old schedule beside a new task. Audited as a reschedule."""
    stale = (Task.objects.filter(obligation=current.obligation, scope_key=current.scope_key, status=Task.Status.OPEN,
                                 escalation_level=0, period_start__lte=current.period_start,
                                 due_at__gt=current.period_start)
             .exclude(period_start=current.period_start, due_at=current.due_at).first())
    if stale is None:
        return 0
    if stale.period_start != current.period_start and Task.objects.filter(
            obligation=current.obligation, scope_key=current.scope_key, period_start=current.period_start).exists():
        return 0
    before = snapshot(stale, ["period_start", "due_at", "remind_at"])
    stale.period_start, stale.due_at, stale.remind_at = current.period_start, current.due_at, current.remind_at
    Task.objects.filter(pk=stale.pk).update(period_start=stale.period_start, due_at=stale.due_at,
                                            remind_at=stale.remind_at)
    record(None, "obligations.task.reschedule", stale, before=before,
           after=snapshot(stale, ["period_start", "due_at", "remind_at"]), reason="the obligation's cadence changed")
    return 1


def tasks_generate(as_of: datetime | None = None, *, only: list[str] | None = None, actor=None) -> GenerateResult:
    """Bring every obligation's tasks up to ``as_of`` (default now): complete what the records
    show met, cancel what no longer applies, and create each recurring obligation's task for the
    current period (calendar) or cycle (rolling) when there is none. Idempotent."""
    now = timezone.now()
    as_of = as_of or now
    chosen = [o for o in registry.values() if only is None or o.id in only]
    result = GenerateResult()
    with audited_write():
        builder = _Builder(now, chosen)
        new: list[Task] = []
        for ob in chosen:
            ctx = Context(ob, as_of)
            if ob.mode == "rolling":
                new.extend(_rolling(ob, ctx, builder, result))
                continue
            result.met += _mark_met(_met_by_selector(ob, ctx), now)
            if ob.mode == "calendar":
                start, end = ob.current_cadence().period(as_of)
                task = builder.task(ob, period_start=start, due_at=end)
                if task is not None:
                    result.rescheduled += _realign(task)
                    new.append(task)
        created = _insert(new, now, actor)
        result.created = len(created)
        for t in created:
            result.by_obligation[t.obligation] = result.by_obligation.get(t.obligation, 0) + 1
    return result


def task_open(obligation_id: str, subject: Subject, *, at: datetime | None = None, actor=None,
              reason: str = "") -> Task | None:
    """Open an event-triggered deadline (``within`` after ``at``) for ``subject``; the task is
    met at once if the obligation's selector already finds it met. Runs in the caller's
    transaction (a signal receiver's), so the task commits with the event or not at all."""
    ob = registry[obligation_id]
    now = timezone.now()
    at = at or now
    with audited_write():
        builder = _Builder(now, [ob])
        task = builder.task(ob, period_start=at, due_at=ob.duration("within").after(at), subject=subject)
        if task is None:
            return None
        created = _insert([task], now, actor, reason)
        if not created:
            return Task.objects.filter(obligation=ob.id, period_start=at, scope_key=task.scope_key).first()
        found = ob.func(Context(ob, now), Task.objects.filter(pk=created[0].pk)) or {}
        _mark_met({pk: (v if isinstance(v, tuple) else (v, None)) for pk, v in found.items()}, now)
    return Task.objects.get(pk=created[0].pk)


from .completion import (evidence_queryset, may_complete, notifications_read, task_cancel,  # noqa: E402,F401
                         task_complete)
from .escalation import tasks_escalate, tasks_remind  # noqa: E402,F401  (the scheduler's other two steps)
