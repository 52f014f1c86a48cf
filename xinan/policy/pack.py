"""The policy pack: what implements each catalogue clause, and the regulation's parameters.

A pack (``packs/<name>.yaml``; the active one is ``settings.POLICY_PACK``, default ``seed``) has:

- ``parameters``: per clause id, the numbers the clause sets. A value is one of
  ``15`` / ``P15D`` (an editable parameter with that default), ``null`` (left blank in the source:
  a fine "____元" until the organisation sets it), ``{bind: <key>, unit: days}`` (the number is
  the existing parameter ``<key>``, which the software already enforces: one source of truth),
  ``{fixed: 3}`` (a number that defines the text, not a setting: three 三员 roles, a statute's
  article) or ``{derived: "length_gt + 1"}``. Editable ones are declared in
  ``xinan.core.parameters`` as ``<clause>.<name>`` (``p01.8.1.a.fine_cny``), so an organisation
  overrides them with ``parameter_set`` (permission ``core.parameter.change``, audited).
- ``mechanisms``: rules ``{by: [refs], clauses: [ids or globs]}``; those clauses are
  *implemented* (records show compliance or the software enforces it). Refs: see ``mechanisms``.
- ``partial``: ``{by, clauses, lacks}``: something covers part of the clause; it stays *missing*.
- ``attestation``: clauses whose catalogue ``check`` starts with "attestation": a signed,
  approved statement for a period is the evidence (``Attestation``).
- ``not_applicable``: ``{clauses, reason}``: the clause binds someone else.

Every catalogue id ends with exactly one status (implemented, attestation, not_applicable,
missing); ``validate`` lists every reference that names nothing and every id a rule names that
the catalogue lacks.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.functional import lazy

from xinan.core import parameters

from . import catalogue as catalogue_module
from .checks import parameter
from .durations import Duration, IsoDuration, is_duration

PACKS_DIR = Path(__file__).with_name("packs")
STATUSES = ("implemented", "attestation", "not_applicable", "missing")
TOP_KEYS = {"version", "name", "parameters", "mechanisms", "partial", "attestation", "not_applicable"}
UNITS = {"days": lambda n: Duration(days=n), "minutes": lambda n: Duration(seconds=60 * n), None: lambda n: n}


class PackError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("policy pack invalid:\n  " + "\n  ".join(problems))
        self.problems = problems


# --- parameter kinds ------------------------------------------------------------------------

def money(raw):
    """元, whole yuan; blank (None, "", "blank") until the organisation sets it."""
    if raw in (None, "", "blank"):
        return None
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise ValueError("not a whole amount")
    value = int(str(raw).strip())
    if value < 0:
        raise ValueError("negative amount")
    return value


def text(raw):
    if raw in (None, "", "blank"):
        return None
    value = str(raw).strip()
    if len(value) > 200:
        raise ValueError("too long")
    return value


KINDS = {"int": int, "duration": IsoDuration, "money": money, "text": text}


@dataclass(frozen=True)
class ParamSpec:
    clause: str
    name: str
    form: str  # editable | bind | fixed | derived
    kind: str | None = None
    default: object = None
    bind: str | None = None
    unit: str | None = None
    reading: str = ""
    derived: str = ""

    @property
    def key(self) -> str:
        return self.bind if self.form == "bind" else f"{self.clause}.{self.name}"


def _infer_kind(name: str, value) -> str:
    if isinstance(value, bool):
        raise ValueError("booleans are not parameters")
    if isinstance(value, int):
        return "int"
    if value is None:
        return "money" if "fine" in name or name.endswith("_cny") else "text"
    if isinstance(value, str) and is_duration(value):
        return "duration"
    return "text"


def _param_spec(clause: str, name: str, raw) -> ParamSpec:
    if isinstance(raw, dict):
        if "bind" in raw:
            if raw.get("unit") not in UNITS:
                raise ValueError(f"unit must be one of {[u for u in UNITS if u]}")
            return ParamSpec(clause, name, "bind", bind=raw["bind"], unit=raw.get("unit"), reading=raw.get("reading", ""))
        if "fixed" in raw:
            return ParamSpec(clause, name, "fixed", default=raw["fixed"])
        if "derived" in raw:
            return ParamSpec(clause, name, "derived", derived=str(raw["derived"]))
        if "default" in raw:
            kind = raw.get("kind") or _infer_kind(name, raw["default"])
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {list(KINDS)}")
            return ParamSpec(clause, name, "editable", kind=kind, default=raw["default"])
        raise ValueError("expected bind, fixed, derived or default")
    return ParamSpec(clause, name, "editable", kind=_infer_kind(name, raw), default=raw)


# --- the pack -------------------------------------------------------------------------------

@dataclass
class Pack:
    name: str
    data: dict
    params: dict[tuple[str, str], ParamSpec] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_yaml(cls, name: str, content: str) -> "Pack":
        data = yaml.safe_load(content) or {}
        pack = cls(name=name, data=data)
        for clause, names in (data.get("parameters") or {}).items():
            if not isinstance(names, dict):
                pack.problems.append(f"parameters.{clause}: expected a mapping of names")
                continue
            for pname, raw in names.items():
                try:
                    pack.params[(clause, pname)] = _param_spec(clause, pname, raw)
                except (ValueError, TypeError) as exc:
                    pack.problems.append(f"parameters.{clause}.{pname}: {exc}")
        return pack

    def rules(self, section: str) -> list[dict]:
        return list(self.data.get(section) or [])


def pack_name() -> str:
    return getattr(settings, "POLICY_PACK", "seed")


@lru_cache(maxsize=4)
def load(name: str | None = None) -> Pack:
    name = name or pack_name()
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"bad pack name {name!r}")
    return Pack.from_yaml(name, (PACKS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _label(clause: str, name: str):
    def make():
        try:
            title = catalogue_module.load().get(clause).title
        except KeyError:
            title = clause
        return f"{clause} {title}:{name}"

    return lazy(make, str)()


def define_parameters(pack: Pack | None = None) -> list[str]:
    """Declare the pack's editable parameters in ``xinan.core.parameters`` (at start-up)."""
    pack = pack or load()
    keys = []
    for spec in pack.params.values():
        if spec.form != "editable":
            continue
        kind = KINDS[spec.kind]
        default = kind(spec.default) if spec.default is not None else None
        extra = {"minimum": 0, "maximum": 10**7} if spec.kind == "int" else {}
        parameters.define(spec.key, default, _label(spec.clause, spec.name), kind=kind, clauses=(spec.clause,), **extra)
        keys.append(spec.key)
    return keys


def _from_store(spec: ParamSpec):
    if spec.form == "bind":
        bound = parameters.REGISTRY[spec.bind]
        return UNITS[spec.unit](bound.kind(parameter(spec.bind)))
    raw = parameter(spec.key)
    if raw is None:
        return None
    value = KINDS[spec.kind](raw)
    return Duration.parse(value) if spec.kind == "duration" else value


def _derive(expression: str, values: dict):
    match = re.fullmatch(r"\s*([a-z_]+)\s*([+-])\s*(\d+)\s*", expression)
    if not match or match.group(1) not in values:
        raise ValueError(f"cannot derive {expression!r}")
    base, sign, n = values[match.group(1)], match.group(2), int(match.group(3))
    return base + n if sign == "+" else base - n


def param(clause: str, name: str, pack: Pack | None = None):
    """The organisation's value of a clause's parameter: ``Duration`` for durations, ``int`` for
    counts, lengths and fines (``None`` while a fine is blank), ``str`` for text."""
    pack = pack or load()
    spec = pack.params[(clause, name)]
    if spec.form == "fixed":
        return spec.default
    if spec.form == "derived":
        match = re.match(r"\s*([a-z_]+)", spec.derived)
        return _derive(spec.derived, {match.group(1): param(clause, match.group(1), pack)})
    return _from_store(spec)


def param_rows(pack: Pack | None = None) -> list[dict]:
    """Every pack parameter with where it lives and its current value (for ``xinan policy parameters``)."""
    pack = pack or load()
    rows = []
    for (clause, name), spec in pack.params.items():
        value = param(clause, name, pack)
        rows.append({"clause": clause, "name": name, "form": spec.form,
                     "key": spec.key if spec.form in ("editable", "bind") else None,
                     "value": value.iso() if isinstance(value, Duration) else value})
    return rows
