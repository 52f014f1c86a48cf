"""The bundle's role grants and login accounts.

- Grants (``{"person": "E0003", "role": "system_admin", "department": null}``) go through
  ``xinan.org.services``: loaded by the system (no actor) they are direct grants, as at
  installation; loaded by a user they are requests (``role_grant_request``) that someone else must
  approve. The 三员 rule (p21.5.1.1: system administrator, security administrator and auditor
  never held by one person) is checked over the whole bundle before anything is written, with the
  path of the offending grant, and again by the services and the database.
- Accounts (``{"person": "E0003", "username": "sysadmin", "password": "…"}``) go through
  ``xinan.identity.services.account_create``, so the password rules apply (p04.3-b/c). A bundle
  may carry passwords only to be loaded; dumps never contain them. An account without a password
  is opened with a random one nobody knows: the system administrator resets it before first use.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.identity import passwords
from xinan.identity.models import User
from xinan.identity.services import USERNAME_MAX, account_create
from xinan.org import services as org
from xinan.org.models import Person, Role, RoleAssignment

from ..imports import Pending, attach_related, convert_row, lookup_key
from ..registers import Register
from ..services import require

OPEN = ("pending", "active")

# How a grant or an account names its rows: the same converters as the registers' columns.
GRANTS = Register(slug="grants", model=RoleAssignment, title="角色授权", fields=["person", "role", "department", "reason"],
                  columns=[], lookups={"person": "employee_no", "role": "code", "department": "code"})
ACCOUNTS = Register(slug="accounts", model=User, title="账号", fields=["person", "username"], columns=[],
                    lookups={"person": "employee_no"})
ACCOUNT_KEYS = ("person", "username", "password", "must_change_password")


def _entries(load, key: str, entries, register: Register, allowed: tuple, required: tuple):
    """Convert each entry of a list section; yields (index, path, raw, data, converters) of the good ones."""
    if not isinstance(entries, list):
        return
    converters = load.converters(register)
    for index, raw in enumerate(entries):
        path = f"{key}[{index}]"
        if not isinstance(raw, dict):
            load.error(path, _("应为对象 / must be an object"))
            continue
        count = len(load.errors)
        for name in raw:
            if name not in allowed:
                load.error(f"{path}.{name}", _("未知字段,可用:%(f)s / unknown field; allowed: %(f)s")
                           % {"f": ", ".join(allowed)})
        for name in required:
            if raw.get(name) in (None, ""):
                load.error(f"{path}.{name}", _("必填 / required"))
        values = {n: v for n, v in raw.items() if n in register.fields}
        for name, value in values.items():
            if isinstance(value, (dict, list)):
                load.error(f"{path}.{name}", _("应为单个值 / must be a single value"))
        data, errors = convert_row(converters, {n: v for n, v in values.items() if not isinstance(v, (dict, list))})
        for name, messages in errors:
            load.error(f"{path}.{name}", "; ".join(messages))
        if len(load.errors) == count:
            yield index, path, raw, data, converters


def check_grants(load, entries) -> list:
    """Validate every grant; returns [(index, data, converters)] of those still to write."""
    if entries is None:
        return []
    if load.actor is not None:
        try:
            require(load.actor, "org.role.grant")
        except PermissionDenied as exc:
            load.error("grants", exc)
    roles = {role.pk: role for role in Role.objects.all()}
    held = {}  # employee no → (triad, role name) of an open 三员 grant
    for number, triad, name in RoleAssignment.objects.filter(status__in=OPEN, triad__isnull=False).values_list(
            "person__employee_no", "triad", "role__name"):
        held[number] = (triad, name)
    existing = set(RoleAssignment.objects.filter(status__in=OPEN).values_list(
        "person__employee_no", "role__code", "department__code"))
    out, seen = [], {}
    checked = _entries(load, "grants", entries, GRANTS, tuple(GRANTS.fields), ("person", "role"))
    for index, path, raw, data, converters in checked:
        number, role = lookup_key(raw["person"]), roles[int(data["role"])]
        department = lookup_key(raw["department"]) if raw.get("department") not in (None, "") else None
        signature = (number, role.code, department)
        if signature in seen:
            load.error(path, _("与 grants[%(i)d] 重复 / duplicates grants[%(i)d]") % {"i": seen[signature]})
            continue
        seen[signature] = index
        if role.triad:
            other = held.get(number)
            if other is not None and other[0] != role.triad:
                load.error(f"{path}.role", _(
                    "三员分离:%(person)s 已担任或待批%(held)s,不得再兼任%(role)s / separation of duties: "
                    "%(person)s already holds %(held)s and may not also hold %(role)s")
                    % {"person": number, "held": other[1], "role": role.name})
                continue
            held[number] = (role.triad, role.name)
        out.append((index, data, converters, signature in existing))
    attach_related(out[0][2] if out else {}, [data for _i, data, _c, _e in out])
    for index, data, _c, _e in out:
        person = data["person"]
        if isinstance(person, Person) and person.status != Person.Status.ACTIVE:
            load.error(f"grants[{index}].person", _("只能向在岗人员授权 / roles go only to active people"))
    return out


def write_grants(load, grants: list) -> None:
    counts = load.result.grants
    for index, data, converters, exists in grants:
        if exists:
            counts["unchanged"] = counts.get("unchanged", 0) + 1
            continue
        if not load.resolve(converters, data):
            continue
        reason = data.get("reason") or load.reason
        try:
            if load.actor is None:
                org.role_grant_direct(None, person=data["person"], role=data["role"],
                                      department=data.get("department"), reason=reason)
                counts["granted"] = counts.get("granted", 0) + 1
            else:
                org.role_grant_request(load.actor, person=data["person"], role=data["role"],
                                       department=data.get("department"), reason=reason)
                counts["requested"] = counts.get("requested", 0) + 1
        except (ValidationError, PermissionDenied) as exc:
            load.service_errors(f"grants[{index}]", exc)


def check_accounts(load, entries) -> list:
    """Validate every account; returns [(index, raw, data, converters, exists)]."""
    if entries is None:
        return []
    if load.actor is not None:
        try:
            require(load.actor, "identity.account.manage")
        except PermissionDenied as exc:
            load.error("accounts", exc)
    taken = dict(User.objects.values_list("username", "person__employee_no"))
    with_account = {number: name for name, number in taken.items() if number}
    out, names, people = [], {}, {}
    checked = _entries(load, "accounts", entries, ACCOUNTS, ACCOUNT_KEYS, ("person", "username"))
    for index, path, raw, data, converters in checked:
        number, username = lookup_key(raw["person"]), str(data["username"])
        if len(username) > USERNAME_MAX:
            load.error(f"{path}.username", _("用户名须为 1–%(n)s 个字符 / the user name must have 1–%(n)s characters")
                       % {"n": USERNAME_MAX})
        password, must_change = raw.get("password"), raw.get("must_change_password", True)
        if password is not None and (not isinstance(password, str) or not password):
            load.error(f"{path}.password", _("口令须为非空文本 / the password must be non-empty text"))
        if not isinstance(must_change, bool):
            load.error(f"{path}.must_change_password", _("应为 true 或 false / must be true or false"))
        elif not must_change and load.actor is not None:
            load.error(f"{path}.must_change_password", _(
                "只有系统载入(不指定 --as)可免首次登录改口令 / only a load by the system may skip the "
                "change at first login"))
        exists = taken.get(username, False) == number
        if username in names:
            load.error(f"{path}.username", _("与 accounts[%(i)d] 重复 / duplicates accounts[%(i)d]")
                       % {"i": names[username]})
        elif number in people:
            load.error(f"{path}.person", _("与 accounts[%(i)d] 重复 / duplicates accounts[%(i)d]") % {"i": people[number]})
        elif username in taken and not exists:
            load.error(f"{path}.username", _("用户名已被使用 / the user name is taken"))
        elif number in with_account and not exists:
            load.error(f"{path}.person", _("该人员已有账号 / the person already has an account"))
        names.setdefault(username, index)
        people.setdefault(number, index)
        person = data["person"]
        if not exists and not isinstance(person, Pending):
            person = Person.objects.get(pk=int(person))
            if person.status != Person.Status.ACTIVE:
                load.error(f"{path}.person", _("只能为在岗人员开设账号 / accounts are opened only for active people"))
            data["person"] = person
        out.append((index, raw, data, converters, exists))
    return out


def _unknown_password(user: User) -> str:
    """A random password meeting the rules, shown to no one: the account cannot be used until the
    system administrator sets one (``password_set_by_admin``)."""
    while True:
        candidate = secrets.token_urlsafe(24)
        if not passwords.password_validate(user, candidate):
            return candidate


def write_accounts(load, accounts: list) -> None:
    counts = load.result.accounts
    for index, raw, data, converters, exists in accounts:
        if exists:
            counts["unchanged"] = counts.get("unchanged", 0) + 1
            continue
        if not load.resolve(converters, data):
            continue
        person, username, password = data["person"], str(data["username"]), raw.get("password")
        try:
            user = account_create(load.actor, person, username,
                                  password or _unknown_password(User(username=username, person=person)),
                                  reason=load.reason)
        except (ValidationError, PermissionDenied) as exc:
            load.service_errors(f"accounts[{index}]", exc, "password" if password else None)
            continue
        counts["created"] = counts.get("created", 0) + 1
        if not password:
            counts["without_password"] = counts.get("without_password", 0) + 1
        if raw.get("must_change_password") is False:  # system loads only (checked above): demo logins
            with audited_write():
                user.must_change_password = False
                user.save(update_fields=["must_change_password"])
                record(None, "identity.account.update", user, before={"must_change_password": True},
                       after={"must_change_password": False}, reason=load.reason)
