"""Which department a finding belongs to: the department of its subject.

===================  ============================================
subject type          department
===================  ============================================
org.person            the person's department
identity.user         the department of the account's person
org.department        the department itself
org.post              the post's department (none: 全单位)
org.roleassignment    the department of the person granted the role
anything else         全单位 (the organisation: a vacant 三员 role, an unattested clause, a role)
===================  ============================================

A subject's department is read as it is now (a person who moved takes their findings along).
Reads are set-based: one query per subject type present, however many findings there are.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

ORGANISATION = "org"  # the key of 全单位: findings no department owns
ORGANISATION_LABEL = _("全单位")
IN_LIST_MAX = 900  # above this many ids, read the whole (organisation-sized) mapping instead of an IN list


def _sources():
    from xinan.identity.models import User
    from xinan.org.models import Department, Person, Post, RoleAssignment

    return {
        "org.person": (Person, "department_id"),
        "identity.user": (User, "person__department_id"),
        "org.department": (Department, "pk"),
        "org.post": (Post, "department_id"),
        "org.roleassignment": (RoleAssignment, "person__department_id"),
    }


def attributed_types() -> tuple[str, ...]:
    return tuple(_sources())


def departments_of(subjects) -> dict[tuple[str, str], int | None]:
    """{(subject_type, subject_id): department id or None} for the given pairs."""
    wanted: dict[str, set[int]] = {}
    for subject_type, subject_id in subjects:
        if subject_type in _sources() and str(subject_id).isdigit():
            wanted.setdefault(subject_type, set()).add(int(subject_id))
    out: dict[tuple[str, str], int | None] = {}
    for subject_type, ids in wanted.items():
        model, path = _sources()[subject_type]
        qs = model._base_manager.all()
        if len(ids) <= IN_LIST_MAX:
            qs = qs.filter(pk__in=ids)
        for pk, department_id in qs.values_list("pk", path):
            out[(subject_type, str(pk))] = department_id
    return out


def department_q(department_ids) -> Q:
    """Findings whose subject belongs to one of ``department_ids`` (for filtering a queryset)."""
    ids = list(department_ids)
    q = Q(pk__in=[])
    for subject_type, (model, path) in _sources().items():
        keys = (model._base_manager.filter(**{f"{path}__in": ids})
                .annotate(xinan_sid=Cast("pk", output_field=CharField(max_length=64))).values("xinan_sid"))
        q |= Q(subject_type=subject_type, subject_id__in=keys)
    return q


def organisation_q() -> Q:
    """Findings no department owns (全单位)."""
    q = Q()
    for subject_type, (model, path) in _sources().items():
        keys = (model._base_manager.filter(**{f"{path}__isnull": False})
                .annotate(xinan_sid=Cast("pk", output_field=CharField(max_length=64))).values("xinan_sid"))
        q &= ~Q(subject_type=subject_type, subject_id__in=keys)
    return q


@dataclass
class DepartmentTally:
    key: str
    label: str
    code: str = ""
    archived: bool = False
    violations: int = 0
    warnings: int = 0
    clauses_violated: set = field(default_factory=set)
    clauses_warned: set = field(default_factory=set)

    def as_row(self, implemented: set[str]) -> dict:
        violated = self.clauses_violated & implemented
        warned = (self.clauses_warned - self.clauses_violated) & implemented
        met = len(implemented) - len(violated) - len(warned)
        return {
            "key": self.key, "label": self.label, "code": self.code,
            "violations": self.violations, "warnings": self.warnings, "findings": self.violations + self.warnings,
            "noncompliant": len(violated), "partly": len(warned), "compliant": met, "evaluated": len(implemented),
            "percent": round(100.0 * met / len(implemented), 1) if implemented else None,
        }


def by_department(items, findings) -> list[dict]:
    """One row per department (active ones, and archived ones that still own findings) plus 全单位:
    open violations and warnings, and of the implemented clauses how many have a violation
    (不符合), only warnings (基本符合) or none (符合) among that department's subjects.

    ``items`` are the clause statuses, ``findings`` the open findings queryset."""
    from xinan.org.models import Department

    implemented = {i.id for i in items if i.mechanism == "implemented"}
    rows = list(findings.values("subject_type", "subject_id", "clause", "severity").annotate(n=Count("pk")).order_by())
    owner = departments_of((r["subject_type"], r["subject_id"]) for r in rows)
    tallies: dict[str, DepartmentTally] = {}
    for pk, code, name, archived in Department.objects.values_list("pk", "code", "name", "archived_at").order_by("code"):
        tallies[str(pk)] = DepartmentTally(str(pk), name, code, archived=archived is not None)
    tallies[ORGANISATION] = DepartmentTally(ORGANISATION, str(ORGANISATION_LABEL))
    for row in rows:
        department_id = owner.get((row["subject_type"], row["subject_id"]))
        t = tallies.get(str(department_id)) or tallies[ORGANISATION]
        if row["severity"] == "violation":
            t.violations += row["n"]
            t.clauses_violated.add(row["clause"])
        else:
            t.warnings += row["n"]
            t.clauses_warned.add(row["clause"])
    out = []
    for key, t in tallies.items():
        if t.archived and not (t.violations or t.warnings):
            continue
        out.append(t.as_row(implemented))
    return out


def severity_counts(findings) -> Counter:
    return Counter(dict(findings.values_list("severity").annotate(n=Count("pk")).order_by()))
