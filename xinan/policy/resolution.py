"""Resolving the pack against the catalogue: one status per clause, and every problem found.

``validate`` returns every problem (a reference that names nothing, a clause id or pattern the
catalogue lacks, a parameter the pack forgot or changed, a clause given two statuses, a check no
rule mentions); ``resolve`` returns ``{id: Resolution}`` for the whole catalogue, or raises
``PackError`` with the problems. Ids no rule names are ``missing``: coverage computes them.
"""

from dataclasses import dataclass

from xinan.core import parameters

from . import catalogue as catalogue_module
from . import mechanisms
from .durations import Duration, is_duration
from .pack import KINDS, TOP_KEYS, UNITS, Pack, PackError, _derive, load


@dataclass(frozen=True)
class Resolution:
    id: str
    domain: str
    kind: str
    status: str
    by: tuple[str, ...] = ()
    note: str = ""

    def as_json(self) -> dict:
        return {"id": self.id, "domain": self.domain, "kind": self.kind, "status": self.status, "by": list(self.by)}


def _same(catalogue_value, pack_value) -> bool:
    if catalogue_value == "blank":
        return pack_value in (None, "blank")
    if isinstance(catalogue_value, str) and is_duration(catalogue_value):
        return is_duration(pack_value) and Duration.parse(catalogue_value) == Duration.parse(pack_value)
    return catalogue_value == pack_value


def _expand(selectors, cat, where: str, problems: list[str]) -> list[str]:
    ids = []
    if not isinstance(selectors, list) or not selectors:
        problems.append(f"{where}: clauses must be a non-empty list")
        return ids
    flat = [s for item in selectors for s in (item if isinstance(item, list) else [item])]
    for selector in flat:
        matched = cat.match(str(selector))
        if not matched:
            problems.append(f"{where}: {selector!r} names no catalogue clause")
        ids.extend(matched)
    return ids


def _check_parameters(pack: Pack, cat, problems: list[str]) -> None:
    problems.extend(pack.problems)
    carried = {}
    for (clause_id, name), spec in pack.params.items():
        carried.setdefault(clause_id, set()).add(name)
        where = f"parameters.{clause_id}.{name}"
        if clause_id not in cat:
            problems.append(f"{where}: no such clause in the catalogue")
            continue
        clause = cat.get(clause_id)
        in_catalogue = name in clause.params
        if not in_catalogue and not clause.configurable:
            problems.append(f"{where}: the catalogue sets no such parameter and the clause asks for no configured value")
            continue
        source = clause.params.get(name)
        if spec.form == "bind":
            if spec.bind not in parameters.REGISTRY:
                problems.append(f"{where}: bound parameter {spec.bind!r} does not exist")
            elif in_catalogue and not spec.reading:
                bound_default = UNITS[spec.unit](parameters.REGISTRY[spec.bind].default)
                expected = Duration.parse(source) if is_duration(source) else source
                if bound_default != expected:
                    problems.append(f"{where}: bound {spec.bind} defaults to {bound_default}, the clause says "
                                    f"{source}; give a 'reading' that explains the difference")
        elif spec.form == "derived":
            try:
                value = _derive(spec.derived, dict(clause.params))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if in_catalogue and value != source:
                problems.append(f"{where}: derives {value}, the clause says {source}")
        else:
            if in_catalogue and not _same(source, spec.default):
                problems.append(f"{where}: pack says {spec.default!r}, the clause says {source!r}")
            if spec.form == "editable" and spec.default is not None:
                try:
                    KINDS[spec.kind](spec.default)
                except (TypeError, ValueError) as exc:
                    problems.append(f"{where}: default {spec.default!r} is not a valid {spec.kind}: {exc}")
    for clause in cat:
        lacking = set(clause.params) - carried.get(clause.id, set())
        if lacking:
            problems.append(f"parameters.{clause.id}: the pack does not carry {sorted(lacking)}")


def _rules(pack: Pack, cat, section: str, problems: list[str], need: str | None):
    out = []
    for n, rule in enumerate(pack.rules(section)):
        where = f"{section}[{n}]"
        if not isinstance(rule, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        refs = rule.get("by") or []
        if section in ("mechanisms", "partial"):
            if not refs:
                problems.append(f"{where}: 'by' names no mechanism")
            for ref in refs:
                error = mechanisms.problem(ref)
                if error:
                    problems.append(f"{where}: {error}")
        if need and not str(rule.get(need) or "").strip():
            problems.append(f"{where}: '{need}' is required")
        out.append((rule, _expand(rule.get("clauses"), cat, where, problems)))
    return out


def _analyse(pack: Pack, cat) -> tuple[dict[str, Resolution], list[str]]:
    problems: list[str] = []
    unknown = set(pack.data) - TOP_KEYS
    if unknown:
        problems.append(f"unknown top-level keys: {sorted(unknown)}")
    _check_parameters(pack, cat, problems)
    status: dict[str, list[str]] = {}
    by: dict[str, list[str]] = {}
    notes: dict[str, str] = {}

    def claim(cid, what):
        status.setdefault(cid, [])
        if what not in status[cid]:
            status[cid].append(what)

    for rule, ids in _rules(pack, cat, "mechanisms", problems, None):
        for cid in ids:
            claim(cid, "implemented")
            by.setdefault(cid, []).extend(r for r in rule.get("by") or [] if r not in by.get(cid, []))
    partial_by: dict[str, list[str]] = {}
    for rule, ids in _rules(pack, cat, "partial", problems, "lacks"):
        for cid in ids:
            partial_by.setdefault(cid, []).extend(r for r in rule.get("by") or [] if r not in partial_by.get(cid, []))
            notes[cid] = str(rule.get("lacks", ""))
    for rule, ids in _rules(pack, cat, "not_applicable", problems, "reason"):
        for cid in ids:
            claim(cid, "not_applicable")
            notes[cid] = str(rule.get("reason", ""))
    attested = _expand(pack.data.get("attestation") or [], cat, "attestation", problems) if pack.data.get("attestation") else []
    for cid in attested:
        if not cat.get(cid).attestation_only:
            problems.append(f"attestation: {cid} — its catalogue check does not start with 'attestation'")
        claim(cid, "attestation")
    for cid, claimed in status.items():
        if len(claimed) > 1:
            problems.append(f"{cid}: resolved more than once ({', '.join(claimed)})")
    for cid in partial_by:
        if cid in status:
            problems.append(f"{cid}: listed as partial but also {status[cid][0]}")
    _check_checks(pack, cat, problems)
    result = {}
    for clause in cat:
        claimed = status.get(clause.id, ["missing"])[0]
        refs = by.get(clause.id, []) if claimed == "implemented" else partial_by.get(clause.id, [])
        if claimed == "attestation":
            refs = ["attestation"]
        result[clause.id] = Resolution(clause.id, clause.domain, clause.kind, claimed, tuple(refs), notes.get(clause.id, ""))
    return result, problems


def _check_checks(pack: Pack, cat, problems: list[str]) -> None:
    from .checks import registry

    mentioned = {ref.partition(":")[2] for section in ("mechanisms", "partial") for rule in pack.rules(section)
                 if isinstance(rule, dict) for ref in rule.get("by") or [] if str(ref).startswith("check:")}
    for spec in registry.values():
        if spec.covers is None:
            for cid in (spec.clause, *spec.also):
                if cid not in cat:
                    problems.append(f"check {spec.id}: clause {cid} is not in the catalogue")
            if spec.id not in mentioned:
                problems.append(f"check {spec.id}: no pack rule mentions it (add it to mechanisms or partial)")


def validate(pack: Pack | None = None, cat=None) -> list[str]:
    return _analyse(pack or load(), cat or catalogue_module.load())[1]


def resolve(pack: Pack | None = None, cat=None) -> dict[str, Resolution]:
    result, problems = _analyse(pack or load(), cat or catalogue_module.load())
    if problems:
        raise PackError(problems)
    return result


def attestation_clauses(pack: Pack | None = None) -> list[str]:
    """Clauses whose evidence is an approved attestation (status ``attestation``)."""
    return [cid for cid, r in resolve(pack).items() if r.status == "attestation"]
