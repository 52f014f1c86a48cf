"""Workflow definitions as data: YAML files in ``definitions/`` shipped with the code, validated
and installed into the database after every migrate (like the built-in roles).

A definition::

    code: two_step_approval            # what registers name: workflows={"approval": "two_step_approval"}
    name: 两级审批
    description: …
    clauses: []                        # catalogue ids this workflow implements
    starter: {role: system_admin}      # who may start it (omitted: anyone the register allows)
    on_complete: dotted.path           # called (instance, actor) when it is approved / done
    on_end: dotted.path                # called (instance, actor) when it is rejected / cancelled
    steps:
      - {code: head, name: 部门负责人审批, kind: approve, actor: {relation: requester_department_head}, deadline: P3D}
    separation:
      - {distinct: [head, deputy]}     # these steps' actors must differ ("request" is the requester)

The incompatible duties of 篇20 (p20.1.6) apply to every definition without being written.
Installing a changed definition makes a new version; running instances keep theirs.
"""

import functools
import hashlib
import json
import re
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from xinan.audit.services import audited_write, record, snapshot

from .models import ActorKind, Relation, StepKind, WorkflowConflict, WorkflowDefinition, WorkflowStep
from .rules import INCOMPATIBLE_CLAUSE, incompatible_pairs

DIRECTORY = Path(__file__).with_name("definitions")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
REQUEST = "request"
TOP_KEYS = {"code", "name", "description", "clauses", "starter", "on_complete", "on_end", "steps", "separation"}
STEP_KEYS = {"code", "name", "kind", "actor", "deadline"}


def shipped() -> list[dict]:
    """The definitions in ``definitions/*.yaml`` (one per file), parsed but not yet validated."""
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(DIRECTORY.glob("*.yaml"))]


@functools.cache
def shipped_codes() -> frozenset[str]:
    """The codes of the shipped definitions: files of the package, read once per process (the
    policy pack asks for them clause by clause in every check run)."""
    return frozenset(spec.get("code") for spec in shipped() if isinstance(spec, dict))


def _actor(raw, where: str, problems: list[str], *, allow_requester=True) -> tuple[str, str]:
    if raw is None:
        return ActorKind.ANY, ""
    if not isinstance(raw, dict) or len(raw) != 1:
        problems.append(f"{where}: actor must be one of {{role: …}}, {{post: …}}, {{relation: …}}")
        return ActorKind.ANY, ""
    (kind, value), = raw.items()
    value = str(value or "")
    if kind not in (ActorKind.ROLE, ActorKind.POST, ActorKind.RELATION) or not value:
        problems.append(f"{where}: unknown actor rule {raw!r}")
    elif kind == ActorKind.RELATION and value not in Relation.values:
        problems.append(f"{where}: unknown relation {value!r} (one of {', '.join(Relation.values)})")
    elif kind == ActorKind.RELATION and value == Relation.REQUESTER and not allow_requester:
        problems.append(f"{where}: the requester cannot be who may start")
    elif kind == ActorKind.ROLE:
        from xinan.org.models import Role
        from xinan.org.roles import BUILTIN_ROLES

        if value not in {r["code"] for r in BUILTIN_ROLES} and not Role.objects.filter(code=value).exists():
            problems.append(f"{where}: no role {value!r}")
    return kind, value


def validate(spec) -> list[str]:
    """Every problem of a definition (empty when it can be installed)."""
    from xinan.policy import catalogue
    from xinan.policy.durations import Duration

    if not isinstance(spec, dict):
        return ["a definition is a mapping"]
    problems = []
    unknown = set(spec) - TOP_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    code = spec.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        problems.append(f"code {code!r}: lower-case letters, digits and _ only")
    if not str(spec.get("name") or "").strip():
        problems.append("name is required")
    cat = catalogue.load()
    for clause in spec.get("clauses") or []:
        if clause not in cat:
            problems.append(f"clause {clause!r} is not in the catalogue")
    _actor(spec.get("starter"), "starter", problems, allow_requester=False)
    for hook in ("on_complete", "on_end"):
        if spec.get(hook):
            try:
                if not callable(import_string(spec[hook])):
                    problems.append(f"{hook}: {spec[hook]} is not callable")
            except ImportError:
                problems.append(f"{hook}: {spec[hook]} cannot be imported")
    steps = spec.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append("steps: at least one step")
        steps = []
    codes = [REQUEST]
    for n, step in enumerate(steps, 1):
        where = f"steps[{n}]"
        if not isinstance(step, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        if set(step) - STEP_KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(step) - STEP_KEYS)}")
        scode = step.get("code")
        if not isinstance(scode, str) or not CODE.match(scode) or scode in codes:
            problems.append(f"{where}: code {scode!r} missing, malformed, repeated or 'request'")
        codes.append(scode)
        if not str(step.get("name") or "").strip():
            problems.append(f"{where}: name is required")
        if step.get("kind") not in StepKind.values or step.get("kind") == StepKind.REQUEST:
            problems.append(f"{where}: kind must be one of approve, execute, review, record, check")
        if "actor" not in step:
            problems.append(f"{where}: actor is required")
        _actor(step.get("actor"), where, problems)
        if step.get("deadline"):
            try:
                Duration.parse(step["deadline"])
            except ValueError as exc:
                problems.append(f"{where}: deadline {exc}")
    for n, rule in enumerate(spec.get("separation") or [], 1):
        names = rule.get("distinct") if isinstance(rule, dict) else None
        if not isinstance(names, list) or len(names) < 2 or set(rule) - {"distinct", "label"}:
            problems.append(f"separation[{n}]: expected {{distinct: [step, step, …]}}")
            continue
        for name in names:
            if name not in codes:
                problems.append(f"separation[{n}]: no step {name!r}")
    return problems


def digest(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def install(spec: dict, *, actor=None, source=WorkflowDefinition.Source.SHIPPED, reason: str = "") -> WorkflowDefinition:
    """Install a definition: unchanged → the current row; changed → a new version (the old one
    stays for the instances that started with it). Audited as ``workflow.definition.create``."""
    problems = validate(spec)
    if problems:
        raise ValidationError([f"{spec.get('code') if isinstance(spec, dict) else spec}: {p}" for p in problems])
    fingerprint = digest(spec)
    with audited_write():
        current = WorkflowDefinition.objects.select_for_update().filter(code=spec["code"], is_current=True).first()
        if current is not None and current.digest == fingerprint:
            return current
        last = WorkflowDefinition.objects.filter(code=spec["code"]).order_by("-version").values_list("version", flat=True).first()
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        definition = WorkflowDefinition(
            code=spec["code"], version=(last or 0) + 1, name=spec["name"], description=spec.get("description") or "",
            clauses=list(spec.get("clauses") or []), on_complete=spec.get("on_complete") or "",
            on_end=spec.get("on_end") or "", spec=spec, digest=fingerprint, source=source)
        definition.save()
        _install_steps(definition, spec)
        record(actor, "workflow.definition.create", definition,
               before={"version": current.version} if current else None,
               after={**snapshot(definition, ["code", "version", "name", "digest", "source"]),
                      "steps": [s["code"] for s in spec["steps"]]}, reason=reason)
    return definition


def _install_steps(definition: WorkflowDefinition, spec: dict) -> None:
    steps = {}
    kind, value = _actor(spec.get("starter"), "starter", [])
    steps[REQUEST] = WorkflowStep(definition=definition, order=0, code=REQUEST, name="申请", kind=StepKind.REQUEST,
                                  actor_kind=kind, actor_value=value)
    for n, raw in enumerate(spec["steps"], 1):
        kind, value = _actor(raw["actor"], "", [])
        steps[raw["code"]] = WorkflowStep(definition=definition, order=n, code=raw["code"], name=raw["name"],
                                          kind=raw["kind"], actor_kind=kind, actor_value=value,
                                          deadline=str(raw.get("deadline") or ""))
    for step in steps.values():
        step.save()
    conflicts = []
    pairs = incompatible_pairs()
    for a in steps.values():
        for b in steps.values():
            if a is b:
                continue
            for ka, kb, rule, zh, _en in pairs:
                if a.kind == ka and b.kind == kb:
                    conflicts.append(WorkflowConflict(step=a, other=b, rule=rule, label=zh, clause=INCOMPATIBLE_CLAUSE,
                                                      triad=True))
    for n, rule in enumerate(spec.get("separation") or [], 1):
        names = list(dict.fromkeys(rule["distinct"]))
        label = rule.get("label") or "不得由同一人办理"
        for x in names:
            for y in names:
                if x != y:
                    conflicts.append(WorkflowConflict(step=steps[x], other=steps[y], rule=f"distinct{n}", label=label))
    for conflict in conflicts:
        conflict.save()


def definitions_sync() -> list[WorkflowDefinition]:
    """Install the shipped definitions (after each migrate). A code the organisation has taken
    over (its current version is ``custom``) is left as the organisation set it."""
    out = []
    for spec in shipped():
        current = WorkflowDefinition.objects.filter(code=spec.get("code"), is_current=True).first()
        if current is not None and current.source == WorkflowDefinition.Source.CUSTOM:
            continue
        out.append(install(spec))
    return out


def current(code: str) -> WorkflowDefinition | None:
    return WorkflowDefinition.objects.filter(code=code, is_current=True).first()
