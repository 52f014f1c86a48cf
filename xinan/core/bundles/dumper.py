"""Writing the organisation as a bundle (``xinan dump``): every register's open rows, the active
role grants and the accounts, in the format ``xinan load`` reads.

- Personal fields (a model's ``audit_digest_fields``: phone, e-mail, birth date …) are left out
  unless asked for; secrets (``audit_omit_fields``: password hashes, second-factor secrets, token
  digests) are never written, whatever is asked. Accounts carry the user name only.
- The dump is itself an audit event, ``bundle.dump``, naming the sections, their counts, whether
  personal data was included and the SM3 digest of the bytes written.
- Dumped by a user, each section needs its permission (a register's ``export``) and rows are
  limited to the user's departments; dumped by the system (no actor), everything.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from xinan.audit.services import audited_write, record
from xinan.org import permissions
from xinan.org.models import Department, Person, RoleAssignment

from ..imports import natural_key
from ..registers import Register, registry
from .loader import ROW_ID
from .order import register_order, related_fields, rows_in_order
from .reading import FORMAT_VERSION, serialise, sm3_digest

EXTRA_SECTIONS = ("grants", "accounts")
# Never written, even if a future register declares them without listing them as secrets.
SECRET_NAMES = {"password", "mfa_secret", "secret", "digest", "code_hash", "token"}


@dataclass
class Dump:
    content: bytes
    counts: dict = field(default_factory=dict)
    include_personal: bool = False
    digest: str = ""


def personal_fields(register: Register) -> set[str]:
    return set(getattr(register.model, "audit_digest_fields", ()))


def dumped_fields(register: Register, include_personal: bool) -> list[str]:
    omitted = set(getattr(register.model, "audit_omit_fields", ())) | SECRET_NAMES
    if not include_personal:
        omitted |= personal_fields(register)
    return [n for n in register.importable_fields() if n not in omitted]


def _value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def register_rows(register: Register, actor=None, include_personal: bool = False) -> list[dict]:
    """The register's open (unarchived) rows as bundle rows: related rows by their lookup value,
    empty values left out; in creation order, rows naming rows of the same register after those."""
    names = dumped_fields(register, include_personal)
    paths = []
    for name in names:
        f = register.field(name)
        attr = register.lookups.get(name, "pk") if f.is_relation else None
        paths.append(f"{name}__{attr}" if attr and attr != "pk" else name)
    qs = register.model._default_manager.all()
    if register.archivable:
        qs = qs.filter(archived_at__isnull=True)
    if actor is not None:
        qs = permissions.scope_queryset(actor, register.perm("export"), qs, register.department_field)
    qs = qs.order_by("pk")  # creation order: loading in it keeps auto-numbers and "latest first" orders
    handles = natural_key(register) is None  # other rows name these by primary key: keep it as _id
    rows = []
    for pk, *values in qs.values_list("pk", *paths):
        row = {ROW_ID: pk} if handles else {}
        row.update({n: _value(v) for n, v in zip(names, values) if v is not None and v != ""})
        rows.append(row)
    self_fields = [n for n, m in related_fields(register) if m is register.model and n in names]
    if self_fields:
        attr = register.lookups.get(self_fields[0], "pk")
        attr = ROW_ID if attr == "pk" else attr
        items = [(i, str(row.get(attr)), {str(row[n]) for n in self_fields if n in row}) for i, row in enumerate(rows)]
        order, cycle = rows_in_order(items)
        rows = [rows[i] for i in order + cycle]
    return rows


def grant_rows(actor=None) -> list[dict]:
    qs = RoleAssignment.objects.filter(status="active", person__status=Person.Status.ACTIVE)
    if actor is not None:
        qs = permissions.scope_queryset(actor, "org.role.view", qs, "person__department")
    out = []
    for number, role, department in qs.order_by("person__employee_no", "role__code", "pk").values_list(
            "person__employee_no", "role__code", "department__code"):
        out.append({"person": number, "role": role, **({"department": department} if department else {})})
    return out


def account_rows(actor=None) -> list[dict]:
    from xinan.identity.models import User

    qs = User.objects.filter(is_active=True, person__isnull=False, person__status=Person.Status.ACTIVE)
    if actor is not None and not permissions.has_perm(actor, "identity.account.manage"):
        qs = permissions.scope_queryset(actor, "identity.account.view", qs, "person__department")
    return [{"person": number, "username": username}
            for number, username in qs.order_by("person__employee_no").values_list("person__employee_no", "username")]


def _allowed(actor, section: str) -> bool:
    if actor is None:
        return True
    if section == "grants":
        return permissions.has_perm(actor, "org.role.view")
    if section == "accounts":
        return any(permissions.has_perm(actor, p) for p in ("identity.account.manage", "identity.account.view"))
    return permissions.has_perm(actor, registry.get(section).perm("export"))


def dump_data(actor=None, *, sections: list[str] | None = None, include_personal: bool = False) -> dict:
    """The bundle as data. ``sections``: register slugs and/or ``grants``/``accounts`` (all when
    None; then sections the actor may not export are left out, while a named one is refused)."""
    known = [r.slug for r in registry.all()] + list(EXTRA_SECTIONS)
    if sections is not None:
        unknown = [s for s in sections if s not in known]
        if unknown:
            raise ValueError(_("未知的登记簿:%(u)s;可用:%(k)s / unknown registers: %(u)s; known: %(k)s")
                             % {"u": ", ".join(unknown), "k": ", ".join(known)})
        for section in sections:
            if not _allowed(actor, section):
                raise PermissionDenied(_("无权导出“%(s)s” / you may not export %(s)s") % {"s": section})
    wanted = [s for s in known if (sections is None or s in sections) and _allowed(actor, s)]
    bundle = {"xinan_bundle": FORMAT_VERSION,
              "organisation": {"exported_at": timezone.now().isoformat(timespec="seconds")},
              "records": {}}
    roots = list(Department.objects.filter(parent__isnull=True, archived_at__isnull=True)[:2])
    if len(roots) == 1:  # the organisation is its top department
        bundle["organisation"]["name"] = roots[0].name
    for register in register_order():
        if register.slug in wanted:
            bundle["records"][register.slug] = register_rows(register, actor, include_personal)
    if "grants" in wanted:
        bundle["grants"] = grant_rows(actor)
    if "accounts" in wanted:
        bundle["accounts"] = account_rows(actor)
    return bundle


def dump_bundle(actor=None, *, sections: list[str] | None = None, include_personal: bool = False,
                fmt: str = "json", name: str = "") -> Dump:
    """Serialise the bundle and append the ``bundle.dump`` audit event (one transaction: the
    dump is recorded if and only if it was produced)."""
    with audited_write():
        data = dump_data(actor, sections=sections, include_personal=include_personal)
        content = serialise(data, fmt)
        counts = {slug: len(rows) for slug, rows in data["records"].items()}
        counts.update({s: len(data[s]) for s in EXTRA_SECTIONS if s in data})
        digest = sm3_digest(content)
        record(actor, "bundle.dump", ("bundle", digest[4:20], name or "dump"),
               after={"digest": digest, "format": fmt, "counts": counts, "include_personal": include_personal})
    return Dump(content=content, counts=counts, include_personal=include_personal, digest=digest)
