"""The regulation's clause catalogue (``clauses.yaml`` beside this file), loaded once and cached.

One ``Clause`` per obligation, with the catalogue's own fields: ``id`` (``p04.3-a``), ``also``
(later locations of the same obligation), ``title``, verbatim ``text``, ``domain``, ``kind``
(register, workflow, recurring, deadline, constraint, organisational, prohibition, penalty),
``params`` (ISO-8601 durations, counts, lengths, fines; ``"blank"`` where the source left the
amount blank) and ``check`` (how records could show compliance; ``attestation…`` when they cannot).
The catalogue is the organisation's data: xinan never edits it; the pack says what implements it.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

PATH = Path(__file__).with_name("clauses.yaml")
FIELDS = ("id", "also", "title", "text", "domain", "kind", "params", "check")
KINDS = ("register", "workflow", "recurring", "deadline", "constraint", "organisational", "prohibition", "penalty")


@dataclass(frozen=True)
class Clause:
    id: str
    also: tuple[str, ...]
    title: str
    text: str
    domain: str
    kind: str
    params: MappingProxyType
    check: str

    @property
    def attestation_only(self) -> bool:
        """The catalogue says records cannot show it (its ``check`` starts with "attestation")."""
        return self.check.startswith("attestation")

    @property
    def configurable(self) -> bool:
        """The clause says 定期/及时 without a number: the software needs a configured value."""
        return "configur" in self.check or "SLA" in self.check


class Catalogue:
    def __init__(self, clauses: list[Clause]):
        self.clauses = {c.id: c for c in clauses}
        if len(self.clauses) != len(clauses):
            raise ValueError("duplicate clause ids in the catalogue")

    def __len__(self):
        return len(self.clauses)

    def __iter__(self):
        return iter(self.clauses.values())

    def __contains__(self, clause_id) -> bool:
        return clause_id in self.clauses

    def get(self, clause_id: str) -> Clause:
        return self.clauses[clause_id]

    def ids(self) -> list[str]:
        return list(self.clauses)

    def match(self, pattern: str) -> list[str]:
        """Ids equal to ``pattern`` or matching it as a glob (``p10.40.*``), in catalogue order."""
        if pattern in self.clauses:
            return [pattern]
        if not any(ch in pattern for ch in "*?["):
            return []
        return [cid for cid in self.clauses if fnmatchcase(cid, pattern)]


def parse(text: str) -> Catalogue:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries = yaml.load(text, Loader=loader)
    clauses = []
    for entry in entries:
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise ValueError(f"catalogue entry {entry.get('id')!r} lacks {missing}")
        clauses.append(Clause(
            id=entry["id"], also=tuple(entry["also"] or ()), title=entry["title"], text=entry["text"],
            domain=entry["domain"], kind=entry["kind"], params=MappingProxyType(dict(entry["params"] or {})),
            check=entry["check"],
        ))
    return Catalogue(clauses)


@lru_cache(maxsize=1)
def load() -> Catalogue:
    return parse(PATH.read_text(encoding="utf-8"))
