"""Declaring obligations (义务): recurring duties and event-triggered deadlines.

Each app declares its obligations in ``<app>/obligations.py`` (autodiscovered at start-up)::

    @obligation("p15.2.11.access_review", clauses=["p15.2.11"], cadence=("p15.2.11", "review_cadence"),
                assignee={"role": "security_admin"}, evidence_register=None,
                title=_("用户访问授权定期检查"), title_en="Periodic review of users' access")
    def access_review(ctx, tasks):
        return {}          # met by hand (a comment is the review record)

Three modes, chosen by the arguments:

- **calendar** (``cadence=``): one task per calendar period (``xinan.obligations.cadence``),
  due at the period's end. The decorated function is the *met* selector: given the context and
  the open tasks (a queryset), it returns ``{task_id: Evidence}`` for those met automatically.
- **rolling** (``cadence=`` and ``rolling=True``): one cycle per subject (an administrator's
  account, a clause's attestation); the function returns the ``Subject`` list, each with the
  moment its current cycle began and the evidence of that moment. A task is due at
  ``cycle_start + cadence`` (or the subject's own ``due_at``); when a subject's cycle moves on
  (the password changed, a new attestation was approved) its open task is met by that evidence.
- **event** (``within=``): a deadline opened by ``services.task_open`` from an event (a signal
  receiver), due ``within`` after the event; the function is the *met* selector as for calendar.

A cadence or deadline is a pack parameter ``(clause, name)`` read with ``xinan.policy.pack.param``
when used, so an organisation's override changes the schedule from the next task on. ``assignee``
is ``{"role": code}``, ``{"post": code}`` or ``{"subject": True}`` (the subject's person).
``evidence_register`` is a register slug whose records meet the task (visible to the one who
completes it), or None (then a comment is the record). ``manual=False`` refuses completion by
hand (met only by the records, e.g. a password change).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from django.db.models import Q

from .cadence import Cadence

MODES = ("calendar", "rolling", "event")


@dataclass(frozen=True)
class Evidence:
    """What met a task: a row (content type by ``app_label.model``), its id and a label."""

    model: str
    pk: object
    label: str

    @classmethod
    def of(cls, instance) -> "Evidence":
        return cls(instance._meta.label_lower, instance.pk, str(instance)[:255])


@dataclass(frozen=True)
class Subject:
    """One subject of a rolling obligation and its current cycle."""

    type: str
    id: object
    label: str
    cycle_start: datetime
    person_id: int | None = None
    department_id: int | None = None
    due_at: datetime | None = None
    evidence: Evidence | None = None
    clause: str | None = None  # when the subject names its own clause (an attestation's)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass(frozen=True)
class Context:
    obligation: "Obligation"
    as_of: datetime


@dataclass
class Obligation:
    id: str
    clauses: tuple[str, ...]
    title: str
    title_en: str
    assignee: dict
    func: Callable
    cadence: object = None
    per: str | None = None
    within: object = None
    rolling: bool = False
    evidence_register: str | None = None
    evidence_filter: Callable | None = None  # task -> Q over the register's records
    manual: bool = True
    remind_before: object = None
    second_after: object = None
    open_before: object = None  # rolling: open the task this long before it is due (None: at once)
    report_overdue: bool = True
    trigger: str = ""
    description: str = ""

    @property
    def mode(self) -> str:
        if self.within is not None:
            return "event"
        return "rolling" if self.rolling else "calendar"

    def _param(self, value):
        from xinan.policy import pack

        if isinstance(value, tuple):
            return pack.param(*value)
        if callable(value):
            return value()
        return value

    def current_cadence(self) -> Cadence:
        return Cadence.of(self._param(self.cadence), self.per)

    def duration(self, name: str):
        """The obligation's ``within``/``remind_before``/``second_after``/``open_before`` as a
        ``Duration`` (None when not set)."""
        from xinan.policy.durations import Duration

        value = self._param(getattr(self, name))
        return None if value is None else Duration.parse(value)

    def every(self):
        """The rolling cycle's length (a duration, not aligned to the calendar)."""
        from xinan.policy.durations import Duration

        value = self._param(self.cadence)
        if isinstance(value, (int, dict)) and not isinstance(value, bool):
            return Cadence.of(value, self.per).every
        return Duration.parse(value)

    def scope_prefix(self) -> str:
        (kind, value), = self.assignee.items()
        return "" if kind == "subject" else f"{kind}:{value}"

    def evidence_q(self, task) -> Q:
        return self.evidence_filter(task) if self.evidence_filter else Q()

    def cadence_label(self) -> str:
        try:
            if self.mode == "event":
                return self.duration("within").iso()
            return self.every().iso() if self.rolling else self.current_cadence().iso()
        except (KeyError, ValueError):
            return "?"


class Registry(dict):
    def of_mode(self, mode: str) -> list[Obligation]:
        return [o for o in self.values() if o.mode == mode]

    def clauses(self) -> list[str]:
        return sorted({c for o in self.values() for c in o.clauses})


registry = Registry()


def obligation(ident: str, *, clauses, title, title_en: str, assignee: dict, cadence=None, per=None, within=None,
               rolling: bool = False, evidence_register: str | None = None, evidence_filter=None, manual: bool = True,
               remind_before=None, second_after=None, open_before=None, report_overdue: bool = True, trigger: str = ""):
    """Declare an obligation; see the module's docstring."""
    if (cadence is None) == (within is None):
        raise ValueError(f"obligation {ident}: give either cadence= (recurring) or within= (deadline)")
    if not isinstance(assignee, dict) or len(assignee) != 1 or next(iter(assignee)) not in ("role", "post", "subject"):
        raise ValueError(f"obligation {ident}: assignee must be {{'role': code}}, {{'post': code}} or {{'subject': True}}")
    if "subject" in assignee and not (rolling or within is not None):
        raise ValueError(f"obligation {ident}: only rolling or event obligations have a subject to assign")

    def wrap(func):
        if ident in registry and registry[ident].func is not func:
            raise ValueError(f"obligation {ident!r} declared twice")
        registry[ident] = Obligation(
            id=ident, clauses=tuple(clauses), title=title, title_en=title_en, assignee=dict(assignee), func=func,
            cadence=cadence, per=per, within=within, rolling=rolling, evidence_register=evidence_register,
            evidence_filter=evidence_filter, manual=manual, remind_before=remind_before, second_after=second_after,
            open_before=open_before, report_overdue=report_overdue, trigger=trigger,
            description=(func.__doc__ or "").strip(),
        )
        return func

    return wrap
