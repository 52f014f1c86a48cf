"""Permission codes and the checks every entry point uses.

A permission code is ``<app>.<object>.<action>``. A person's permissions are the union of the
permissions of the roles they hold (active grants only); a role's ``scope`` says whether the
permission reaches the whole organisation or only the person's own department (and, for a
grant tied to a department, that department) and its sub-departments.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from xinan.core.versions import VersionedCache

ORGANISATION = "organisation"
DEPARTMENT = "department"

REGISTER_ACTIONS = ("view", "add", "change", "archive", "import", "export")


def register_permissions(app_label: str, object_name: str, actions=REGISTER_ACTIONS) -> list[str]:
    return [f"{app_label}.{object_name}.{action}" for action in actions]


def active_assignments(user) -> list:
    """The user's active role assignments (with their roles), read once and cached on the user
    object: permissions, the identity rules (administrator or not) and the page header's role
    names all need them on every request."""
    cached = getattr(user, "_xinan_assignments", None)
    if cached is not None:
        return cached
    assignments = []
    person_id = getattr(user, "person_id", None) if user is not None and user.is_authenticated else None
    if person_id is not None:
        # Kept between requests until a grant or a role changes (``xinan.core.versions``).
        assignments = list(_assignments_cache.get_or_build(person_id, lambda: _read_assignments(person_id)))
    try:
        user._xinan_assignments = assignments
    except AttributeError:
        pass
    return assignments


def _read_assignments(person_id) -> tuple:
    from .models import RoleAssignment

    return tuple(RoleAssignment.objects.filter(person_id=person_id, status="active").select_related("role"))


_assignments_cache = VersionedCache(size=4096)


def _grants(user):
    """[(permission, scope, department_id)] for the user's active roles, cached on the user."""
    cached = getattr(user, "_xinan_grants", None)
    if cached is not None:
        return cached
    grants = ()
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is not None and person.status == person.Status.ACTIVE:
        def build():
            out = []
            for assignment in active_assignments(user):
                role = assignment.role
                department_id = assignment.department_id or person.department_id
                out.extend((perm, role.scope, department_id) for perm in role.permissions)
            return tuple(out), _granted_sets(out)

        # A role grants dozens of codes: the lists and sets are kept per person (and department)
        # until a grant or a role changes.
        grants, granted = _grants_cache.get_or_build(
            (person.pk, person.department_id), build, tables=("org_roleassignment", "org_role"))
        user._xinan_granted = granted
    user._xinan_grants = grants
    return grants


_grants_cache = VersionedCache(size=4096)


def _granted_sets(grants) -> tuple[frozenset, tuple[str, ...]]:
    exact, prefixes = set(), set()
    for granted, _scope, _dept in grants:
        if granted == "*":
            prefixes.add("")
        elif granted.endswith(".*"):
            prefixes.add(granted[:-1])
        else:
            exact.add(granted)
    return frozenset(exact), tuple(sorted(prefixes))


def _granted(user) -> tuple[frozenset, tuple[str, ...]]:
    """(exact codes, wildcard prefixes) the user's grants give, built once per user object: a
    page asks a hundred questions (the menu one per item) and a role grants dozens of codes."""
    cached = getattr(user, "_xinan_granted", None)
    if cached is None:
        grants = _grants(user)  # sets _xinan_granted too when it has a person with roles
        cached = getattr(user, "_xinan_granted", None) or _granted_sets(grants)
        user._xinan_granted = cached
    return cached


def forget(user) -> None:
    """Drop the cached grants and answers (after a grant changes within one request)."""
    for attr in ("_xinan_assignments", "_xinan_grants", "_xinan_granted", "_xinan_answers"):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


def _matches(granted: str, wanted: str) -> bool:
    if granted == wanted or granted == "*":
        return True
    if granted.endswith(".*"):
        return wanted.startswith(granted[:-1])
    return False


def _token_allows(user, perm: str) -> bool:
    """A request authenticated by an API token carries the token's scopes on the user
    (``_xinan_token_scopes``, set by ``xinan.identity.tokens``): the effective permission is the
    person's permission AND a scope matching it (p04.6.1). Without a token, no restriction."""
    scopes = getattr(user, "_xinan_token_scopes", None)
    return scopes is None or any(_matches(scope, perm) for scope in scopes)


def has_perm(user, perm: str) -> bool:
    """Answers are memoised on the user for the request: a page asks the same questions many
    times (the menu alone asks one per item)."""
    if user is None:
        return False
    scopes = getattr(user, "_xinan_token_scopes", None)
    key = (perm, tuple(scopes) if scopes is not None else None)
    answers = getattr(user, "_xinan_answers", None)
    if answers is None:
        answers = {}
        try:
            user._xinan_answers = answers
        except AttributeError:  # AnonymousUser and other objects without attributes of their own
            pass
    if key not in answers:
        answers[key] = _token_allows(user, perm) and _holds(user, perm)
    return answers[key]


def _holds(user, perm: str) -> bool:
    try:
        exact, prefixes = _granted(user)
    except AttributeError:  # an object that cannot carry the cache: ask the grants directly
        return any(_matches(granted, perm) for granted, _scope, _dept in _grants(user))
    return perm in exact or any(perm.startswith(prefix) for prefix in prefixes)


def require(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied(_("无权执行此操作(需要权限 %(perm)s) / permission %(perm)s required") % {"perm": perm})


def department_ids_in_scope(user, perm: str) -> set[int] | None:
    """None when the permission reaches the whole organisation, else the department ids it reaches
    (each granted department and everything below it)."""
    if not _token_allows(user, perm):
        return set()
    roots = set()
    for granted, scope, department_id in _grants(user):
        if _matches(granted, perm):
            if scope == ORGANISATION:
                return None
            if department_id:
                roots.add(department_id)
    from .selectors import department_subtree_ids

    return department_subtree_ids(roots)


def scope_queryset(user, perm: str, queryset, department_field: str | None):
    """Filter a queryset to what the user may see with ``perm``; empty if they lack it."""
    if not has_perm(user, perm):
        return queryset.none()
    if department_field is None:
        return queryset
    ids = department_ids_in_scope(user, perm)
    if ids is None:
        return queryset
    if department_field == "self":
        return queryset.filter(Q(pk__in=ids))
    return queryset.filter(**{f"{department_field}__in": ids})
