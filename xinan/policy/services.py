"""Running the checks and keeping their findings; attestations (合规声明) and their approval.

``checks_run`` evaluates the registered checks (all, one clause's, or those a write touched),
then, in one transaction: inserts the findings not yet open, marks resolved the open ones no
longer found, refreshes changed ones, and appends one ``policy.check_run`` audit event with the
counts (not one event per finding). A run ``as_of`` another moment is a preview: it is not stored,
since the findings it yields describe that moment, not the organisation's history.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinan.audit.services import audited_write, record, snapshot
from xinan.core import parameters
from xinan.core.moments import as_text, from_text
from xinan.core.services import instance_archive, instance_create, instance_update, require

from .checks import Context, Found, plain, registry, run_scope
from .durations import Duration, IsoDuration
from .models import Attestation, Finding

# --- checks ------------------------------------------------------------------------------------

CONTENT_FIELDS = ("severity", "subject_label", "message_zh", "message_en", "since", "evidence")


@dataclass
class RunResult:
    as_of: datetime
    findings: list[Found]
    checks: list[str]
    stored: bool
    opened: int = 0
    resolved: int = 0
    open_total: int = 0
    errors: dict = field(default_factory=dict)

    @property
    def violations(self) -> list[Found]:
        return [f for f in self.findings if f.severity == "violation"]


def end_of_day(day: date) -> datetime:
    """``--as-of 2025-03-01`` means through that day, in the organisation's time zone."""
    return timezone.make_aware(datetime.combine(day, time.max))


def _plan(clause: str | None, subjects: dict | None):
    specs = [s for s in registry.values() if clause is None or clause in s.clauses()]
    plan = []
    for spec in specs:
        if subjects is None:
            plan.append((spec, None))
            continue
        touched = set(subjects) & set(spec.subjects)
        if not touched:
            continue
        if spec.narrow and touched <= {spec.narrow, *spec.via}:
            plan.append((spec, _narrowed_ids(spec, touched, subjects)))
        else:
            plan.append((spec, None))
    return plan


def _narrowed_ids(spec, touched: set, subjects: dict) -> frozenset:
    """The ids of the check's narrow type a change can affect: the changed rows of that type, and
    the rows that reference the changed rows of each ``via`` type (one query per type)."""
    ids = {str(i) for i in subjects.get(spec.narrow, ())}
    kinds = touched - {spec.narrow}
    if kinds:
        from django.apps import apps
        from django.db.models import Q

        model = apps.get_model(*spec.narrow.split("."))
        for kind in kinds:
            changed = [i for i in subjects[kind] if str(i).isdigit()]
            if not changed:
                continue
            condition = Q()
            for lookup in spec.via[kind]:
                condition |= Q(**{f"{lookup}__in": changed})
            ids.update(str(pk) for pk in model._default_manager.filter(condition).values_list("pk", flat=True).distinct())
    return frozenset(ids)


def checks_run(*, as_of: datetime | None = None, clause: str | None = None, subjects: dict | None = None,
               actor=None, reason: str = "") -> RunResult:
    """Evaluate the checks. ``subjects`` ({type: ids}) limits the run to the checks those subject
    types can affect (re-evaluation after a write), narrowed to the ids where a check allows it."""
    now = timezone.now()
    moment = as_of or now
    plan = _plan(clause, subjects)
    found: dict[str, Found] = {}
    with run_scope():  # the checks share one read of the parameters and the values they share
        for spec, ids in plan:
            for item in spec.func(Context(spec, moment, ids)):
                if clause is None or item.clause == clause:
                    found.setdefault(item.fingerprint, item)
    ordered = sorted(found.values(), key=lambda f: (f.severity != "violation", f.clause, f.subject_label))
    result = RunResult(as_of=moment, findings=ordered, checks=[s.id for s, _ids in plan], stored=as_of is None)
    if result.stored and plan:
        _store(result, plan, found, clause, now, actor, reason, full=subjects is None)
        if subjects is None and clause is None:  # a full run leaves the day's compliance snapshot
            from .snapshots import snapshot_take

            snapshot_take(actor=actor, reason=reason)
    return result


def _scope(plan, clause) -> Q:
    scope = Q()
    for spec, ids in plan:
        part = Q(check_id=spec.id)
        if ids is not None:
            part &= Q(subject_type=spec.narrow, subject_id__in=list(ids))
        scope |= part
    if clause is not None:
        scope &= Q(clause=clause)
    return scope


def _content(item) -> tuple:
    """What a re-run may change in an open finding (moments compared as instants, whatever
    their time zone, so an unchanged finding is not rewritten)."""
    since = item.since.timestamp() if item.since else None
    return (item.severity, item.subject_label, item.message_zh, item.message_en, since, _evidence_text(item.evidence))


_SIMPLE = (str, int, bool, type(None))


def _evidence_text(evidence) -> str:
    """Evidence as stored (``plain``), in one spelling: most evidence is already plain — a flat
    dict of text and numbers — and is spelled without the JSON round trip of ``plain``."""
    if type(evidence) is dict and all(type(k) is str and type(v) in _SIMPLE for k, v in evidence.items()):
        return json.dumps(evidence, sort_keys=True)
    return json.dumps(plain(evidence), sort_keys=True)


_OPEN = ("pk", "fingerprint", "severity", "subject_label", "message_zh", "message_en", as_text("since"), "evidence")


def _open_rows(plan, clause) -> dict:
    """{fingerprint: (pk, content)} of the open findings in scope: read as tuples, as a full run
    reads all of them (17,000 on the large preset), and model instances with their moments and
    JSON re-encoded were most of the time of storing an unchanged run."""
    rows = Finding.objects.filter(_scope(plan, clause), resolved_at__isnull=True).values_list(*_OPEN)
    out = {}
    for pk, fingerprint, severity, label, zh, en, since, evidence in rows:
        since = from_text(since)
        # stored evidence is plain JSON already
        out[fingerprint] = (pk, (severity, label, zh, en, since.timestamp() if since else None,
                                 json.dumps(evidence, sort_keys=True)))
    return out


def _unchanged(open_rows: dict, found: dict) -> bool:
    return open_rows.keys() == found.keys() and all(_content(found[fp]) == content
                                                    for fp, (_pk, content) in open_rows.items())


def _store(result: RunResult, plan, found: dict, clause, now, actor, reason, *, full: bool) -> None:
    if not full and _unchanged(_open_rows(plan, clause), found):
        # The usual re-evaluation after a write: the findings stand as stored. One read and no
        # transaction (its BEGIN and COMMIT were two of the round trips of a device edit, issue 5).
        result.open_total = len(found)
        return
    with audited_write():
        open_rows = _open_rows(plan, clause)
        new = [Finding(check_id=item.check_id, clause=item.clause, severity=item.severity,
                       subject_type=item.subject_type, subject_id=item.subject_id, subject_label=item.subject_label,
                       message_zh=item.message_zh, message_en=item.message_en, since=item.since,
                       evidence=plain(item.evidence), fingerprint=fp, first_seen_at=now)
               for fp, item in found.items() if fp not in open_rows]
        gone = [pk for fp, (pk, _content_) in open_rows.items() if fp not in found]
        refreshed = {pk: found[fp] for fp, (pk, content) in open_rows.items()
                     if fp in found and _content(found[fp]) != content}
        changed = []
        for row in Finding.objects.filter(pk__in=list(refreshed)) if refreshed else ():
            item = refreshed[row.pk]
            for name in CONTENT_FIELDS:
                setattr(row, name, getattr(item, name))
            row.evidence = plain(item.evidence)
            changed.append(row)
        Finding.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        if gone:
            Finding.objects.filter(pk__in=gone).update(resolved_at=now)
        if changed:
            Finding.objects.bulk_update(changed, list(CONTENT_FIELDS), batch_size=500)
        retired = 0
        if full and clause is None:  # findings of a check that no longer exists are closed too
            retired = (Finding.objects.filter(resolved_at__isnull=True).exclude(check_id__in=list(registry))
                       .update(resolved_at=now))
        result.opened, result.resolved = len(new), len(gone) + retired
        result.open_total = len(found)
        if full or new or gone or changed or retired:
            counts = {"checks": len(plan), "open": len(found), "opened": len(new), "resolved": result.resolved,
                      "refreshed": len(changed), "violations": len(result.violations),
                      "scope": "all" if full else "changed subjects"}
            if clause:
                counts["clause"] = clause
            record(actor, "policy.check_run", ("policy.check_run", "", _("合规检查") + f" {now:%Y-%m-%d %H:%M}"),
                   after=counts, reason=reason)


def open_findings(clause: str | None = None):
    qs = Finding.objects.filter(resolved_at__isnull=True)
    return qs.filter(clause=clause) if clause else qs


# --- attestations ------------------------------------------------------------------------------

MAX_PERIOD = "policy.attestation.max_period"
parameters.define(MAX_PERIOD, "P1Y", gettext_lazy("合规声明最长期间"), kind=IsoDuration)


def _attestable(clause_id: str) -> bool:
    from .resolution import attestation_clauses

    return clause_id in attestation_clauses()


def _validate(data: dict) -> None:
    errors = {}
    clause_id = data.get("clause") or ""
    if not _attestable(clause_id):
        errors["clause"] = [_("条款 %(c)s 不是以声明为证的条款 / clause %(c)s is not one evidenced by an attestation")
                            % {"c": clause_id}]
    signer = data.get("signer")
    if signer is not None and signer.status != signer.Status.ACTIVE:
        errors["signer"] = [_("声明人须为在岗人员 / the signer must be an active person")]
    start, end = data.get("period_start"), data.get("period_end")
    if start and end:
        if end < start:
            errors["period_end"] = [_("期间止不得早于期间起 / the period cannot end before it starts")]
        else:
            longest = Duration.parse(parameters.get(MAX_PERIOD))
            limit = longest.after(timezone.make_aware(datetime.combine(start, time.min))).date()
            if end >= limit:
                errors["period_end"] = [_("声明期间不得超过 %(d)s / the period may not exceed %(d)s") % {"d": longest.iso()}]
    if errors:
        raise ValidationError(errors)


def attestation_create(actor, *, reason: str = "", **data) -> Attestation:
    """Draft a statement naming its signer (permission ``policy.attestation.add``)."""
    _validate(data)
    return instance_create(actor, Attestation, data, reason=reason)


def attestation_update(actor, attestation: Attestation, *, reason: str = "", **data) -> Attestation:
    """Only a draft may change: once signed, the content is what the signer signed."""
    if attestation.status != Attestation.Status.DRAFT:
        raise ValidationError(_("已签署的声明不能修改,请撤回后重新起草 / a signed statement cannot change; withdraw it and draft anew"))
    merged = {name: data.get(name, getattr(attestation, name)) for name in ("clause", "signer", "period_start", "period_end")}
    _validate(merged)
    return instance_update(actor, attestation, data, reason=reason)


def attestation_archive(actor, attestation: Attestation, *, reason: str = "") -> Attestation:
    """撤回: an archived statement no longer counts, whatever its status."""
    return instance_archive(actor, attestation, reason=reason)


def content_digest(attestation: Attestation) -> str:
    body = json.dumps({"clause": attestation.clause, "signer": attestation.signer_id,
                       "statement": attestation.statement, "evidence": attestation.evidence,
                       "period_start": str(attestation.period_start), "period_end": str(attestation.period_end)},
                      sort_keys=True, ensure_ascii=False)
    return "sm3:" + hashlib.new("sm3", body.encode()).hexdigest()


def _person_of(actor):
    person = getattr(actor, "person", None) if actor is not None else None
    if person is None:
        raise PermissionDenied(_("须由具体人员的账号办理 / this needs the account of a person"))
    return person


def attestation_sign(actor, attestation: Attestation, *, reason: str = "") -> Attestation:
    """签署: only the named signer, on a draft; freezes the content (its digest goes in the chain)."""
    person = _person_of(actor)
    if person.pk != attestation.signer_id:
        raise PermissionDenied(_("只有声明人本人可以签署 / only the named signer may sign"))
    if attestation.status != Attestation.Status.DRAFT or attestation.archived_at:
        raise ValidationError(_("只有草稿可以签署 / only a draft can be signed"))
    _validate({"clause": attestation.clause, "signer": person, "period_start": attestation.period_start,
               "period_end": attestation.period_end})
    with audited_write():
        attestation.status = Attestation.Status.SIGNED
        attestation.signer_post_id = person.post_id
        attestation.signed_at = timezone.now()
        attestation.content_digest = content_digest(attestation)
        attestation.save()
        record(actor, "policy.attestation.sign", attestation,
               after=snapshot(attestation, ["status", "signer_post", "signed_at", "content_digest"]), reason=reason)
    return attestation


def _decide(actor, attestation: Attestation, status: str, action: str, reason: str) -> Attestation:
    require(actor, "policy.attestation.approve")
    person = _person_of(actor)
    if person.pk == attestation.signer_id:
        raise PermissionDenied(_("声明人不得审批本人的声明 / the signer may not decide on their own statement"))
    if attestation.status != Attestation.Status.SIGNED or attestation.archived_at:
        raise ValidationError(_("只有已签署待批准的声明可以审批 / only a signed statement awaiting approval can be decided"))
    if content_digest(attestation) != attestation.content_digest:
        raise ValidationError(_("声明内容在签署后被改动,不能批准 / the statement changed after it was signed"))
    with audited_write():
        attestation.status = status
        attestation.approver = person
        attestation.decided_at = timezone.now()
        attestation.save()
        record(actor, action, attestation, after=snapshot(attestation, ["status", "approver", "decided_at"]),
               reason=reason)
    return attestation


def attestation_approve(actor, attestation: Attestation, *, reason: str = "") -> Attestation:
    """批准: by a holder of ``policy.attestation.approve`` who is not the signer."""
    return _decide(actor, attestation, Attestation.Status.APPROVED, "policy.attestation.approve", reason)


def attestation_reject(actor, attestation: Attestation, *, reason: str = "") -> Attestation:
    if not (reason or "").strip():
        raise ValidationError(_("请填写驳回理由 / give the reason for rejecting"))
    return _decide(actor, attestation, Attestation.Status.REJECTED, "policy.attestation.reject", reason)


def attested_clauses(on: date) -> set[str]:
    """Clauses with an approved, unwithdrawn statement whose period covers ``on``."""
    return set(Attestation.objects.filter(status=Attestation.Status.APPROVED, archived_at__isnull=True,
                                          period_start__lte=on, period_end__gte=on)
               .values_list("clause", flat=True).distinct())
