"""Reads of the organisation that more than one place needs."""

from .models import Department, Person, RoleAssignment


def department_subtree_ids(root_ids) -> set[int]:
    """The given departments and all their descendants (one query for the whole tree)."""
    roots = set(root_ids)
    if not roots:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), list(roots)
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, ()))
    return found


def active_triad_roles(person: Person) -> list[str]:
    return list(
        RoleAssignment.objects.filter(person=person, triad__isnull=False, status__in=["pending", "active"])
        .values_list("triad", flat=True)
    )


def holders_of(role_code: str, department=None):
    """People who actively hold a role (in a department, for department-bound grants)."""
    qs = Person.objects.filter(role_assignments__role__code=role_code, role_assignments__status="active", status="active")
    if department is not None:
        qs = qs.filter(role_assignments__department=department)
    return qs.distinct()
