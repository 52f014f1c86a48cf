"""The check registry: set-based queries over the whole organisation, registered by clause id.

A check is a function of a ``Context`` returning ``Found`` items::

    @check("p10.38-b", severity="violation", subjects=("identity.user", "org.person"), narrow="identity.user")
    def departed_accounts(ctx):
        qs = ctx.only(User.objects.filter(is_active=True, person__status="left"))
        return [ctx.found(("identity.user", u["pk"], u["username"]), ...) for u in qs.values(...)]

Rules for a check: a few SQL statements over the whole organisation (querysets, ``Exists``,
aggregates), never a query per row; the Python that follows only shapes the rows it got.
``subjects`` are the audit subject types whose change can alter its result (after a write the
check is re-evaluated when one of them changed); ``narrow`` is the subject type of its findings
when a change of that type alone may be re-evaluated for the changed rows only (``ctx.only``);
``via`` names, for other subject types, the lookups from the narrow type's model to them
(``via={"org.person": ("responsible", "user")}``): a change of a person then re-evaluates only the
devices that reference that person, not the whole organisation.
Apps may declare checks in their own ``checks.py`` (autodiscovered); the policy app holds the
checks over the organisation and identity (``xinan.policy.rules``).
"""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

SEVERITIES = ("violation", "warning")


def _json_default(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def plain(evidence: dict) -> dict:
    """Evidence as JSON values (moments and dates as ISO-8601 text), as it is stored."""
    return json.loads(json.dumps(evidence, default=_json_default))


def _local(moment):
    from django.utils import timezone

    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@dataclass(frozen=True)
class Found:
    """One finding as a check yields it (before it is stored)."""

    clause: str
    severity: str
    subject_type: str
    subject_id: str
    subject_label: str
    message_zh: str
    message_en: str
    since: datetime | None = None
    evidence: dict = field(default_factory=dict)
    key: str = ""  # tells apart several findings of one check on one subject
    check_id: str = ""

    @property
    def fingerprint(self) -> str:
        raw = "|".join([self.check_id, self.clause, self.subject_type, self.subject_id, self.key])
        return hashlib.sha256(raw.encode()).hexdigest()

    def as_json(self) -> dict:
        return {
            "clause": self.clause,
            "severity": self.severity,
            "subject": {"type": self.subject_type, "id": self.subject_id, "label": self.subject_label},
            "message": {"zh": self.message_zh, "en": self.message_en},
            "since": _local(self.since).isoformat() if self.since else None,
            "evidence": plain(self.evidence),
        }


@dataclass
class Context:
    """What a check evaluates against: the moment, and (for a re-evaluation after a write) the
    ids of its findings' subject type it may restrict itself to."""

    check: "CheckSpec"
    as_of: datetime
    ids: frozenset[str] | None = None

    def only(self, queryset, field_name: str = "pk"):
        if self.ids is None:
            return queryset
        return queryset.filter(**{f"{field_name}__in": list(self.ids)})

    def found(self, subject: tuple, message_zh: str, message_en: str, *, since=None, evidence=None,
              clause: str | None = None, severity: str | None = None, key: str = "") -> Found:
        subject_type, subject_id, label = subject
        return Found(
            clause=clause or self.check.clause, severity=severity or self.check.severity,
            subject_type=subject_type, subject_id=str(subject_id), subject_label=str(label)[:255],
            message_zh=message_zh, message_en=message_en, since=since, evidence=evidence or {}, key=key,
            check_id=self.check.id,
        )


@dataclass(frozen=True)
class CheckSpec:
    id: str
    clause: str
    func: Callable[[Context], Iterable[Found]]
    severity: str
    subjects: tuple[str, ...]
    narrow: str | None
    also: tuple[str, ...]
    covers: Callable[[], Iterable[str]] | None = None
    via: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return (self.func.__doc__ or self.id).strip().splitlines()[0]

    def clauses(self) -> tuple[str, ...]:
        """The catalogue ids this check's findings may name."""
        if self.covers is not None:
            return tuple(self.covers())
        return (self.clause, *self.also)


class RunState:
    """What the checks of one run share (``run_scope``): the stored parameters, read in one query
    when a check first asks for one, and values computed once per run (``shared``). After one
    device edit on PostgreSQL a third of the re-evaluation's round trips were the same parameter
    read again by check after check (issue 5)."""

    def __init__(self):
        self._stored: dict | None = None
        self.memo: dict = {}

    def parameter(self, key: str):
        from xinan.core import parameters

        if self._stored is None:
            self._stored = parameters.stored_values()
        return parameters.resolve(key, self._stored)


_run: ContextVar[RunState | None] = ContextVar("xinan_policy_run", default=None)


@contextmanager
def run_scope():
    """The checks evaluated inside share one ``RunState`` (``checks_run`` opens it)."""
    token = _run.set(RunState())
    try:
        yield _run.get()
    finally:
        _run.reset(token)


def parameter(key: str):
    """``xinan.core.parameters.get`` for checks: inside a run, the values stored when the run first
    read one (one query for all); outside a run, a plain read."""
    state = _run.get()
    if state is None:
        from xinan.core import parameters

        return parameters.get(key)
    return state.parameter(key)


def shared(key, build: Callable[[], object]):
    """``build()`` once per run for ``key`` (which must name everything the value depends on);
    outside a run, every call builds."""
    state = _run.get()
    if state is None:
        return build()
    if key not in state.memo:
        state.memo[key] = build()
    return state.memo[key]


class Registry(dict):
    def for_clause(self, clause_id: str) -> list[CheckSpec]:
        return [spec for spec in self.values() if clause_id in spec.clauses()]

    def triggers(self) -> set[str]:
        return {t for spec in self.values() for t in spec.subjects}


registry = Registry()


def check(clause: str | None, *, severity: str = "violation", subjects: tuple[str, ...] = (), narrow: str | None = None,
          also: tuple[str, ...] = (), check_id: str | None = None, covers=None, via: dict | None = None):
    """Register a check for catalogue clause ``clause`` (its id is the clause id unless
    ``check_id`` is given, for a check whose findings name several clauses through ``covers``)."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    if clause is None and (check_id is None or covers is None):
        raise ValueError("a check without a clause needs check_id and covers")
    via = {kind: (lookups,) if isinstance(lookups, str) else tuple(lookups) for kind, lookups in (via or {}).items()}
    if via and narrow is None:
        raise ValueError("via needs narrow: it maps other subject types to the narrow type's rows")
    if set(via) - set(subjects):
        raise ValueError(f"via names subject types the check does not list: {sorted(set(via) - set(subjects))}")

    def wrap(func):
        ident = check_id or clause
        if ident in registry and registry[ident].func is not func:
            raise ValueError(f"check {ident!r} registered twice")
        registry[ident] = CheckSpec(id=ident, clause=clause or "", func=func, severity=severity, subjects=tuple(subjects),
                                    narrow=narrow, also=tuple(also), covers=covers, via=via)
        return func

    return wrap
