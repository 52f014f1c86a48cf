"""``xinan role``: role grants from the command line, through the same services as the pages.

    xinan role list [--status pending]
    xinan role grant --as secadmin --person E0003 --role system_admin --reason "…"
    xinan role approve --as dgm 12 [--reason "…"]
    xinan role reject|revoke --as USER ID

``--as`` names the account acting; its roles decide what it may do, and every attempt, refused or
not, is in the audit chain.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinan.identity.models import User
from xinan.org import services
from xinan.org.models import Department, Person, Role, RoleAssignment


class Command(BaseCommand):
    help = "角色授权:申请、批准、驳回、撤销、列表 / role grants: request, approve, reject, revoke, list"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出授权 / list grants")
        listing.add_argument("--status", choices=RoleAssignment.Status.values)
        grant = sub.add_parser("grant", help="申请授权 / request a grant")
        grant.add_argument("--as", dest="actor", required=True)
        grant.add_argument("--person", required=True, help="工号 / employee number")
        grant.add_argument("--role", required=True, help="角色编码 / role code")
        grant.add_argument("--department", help="部门编码 / department code")
        grant.add_argument("--reason", default="")
        for name in ("approve", "reject", "revoke"):
            p = sub.add_parser(name)
            p.add_argument("--as", dest="actor", required=True)
            p.add_argument("id", type=int)
            p.add_argument("--reason", default="")

    def handle(self, *args, **opts):
        action = opts["action"]
        if action == "list":
            qs = RoleAssignment.objects.select_related("person", "role").order_by("pk")
            if opts.get("status"):
                qs = qs.filter(status=opts["status"])
            for a in qs:
                self.stdout.write(f"{a.pk}\t{a.person.employee_no}\t{a.person.name}\t{a.role.code}\t{a.status}")
            return
        actor = User.objects.filter(username=opts["actor"], is_active=True).select_related("person").first()
        if actor is None:
            raise CommandError(f"账号 {opts['actor']} 不存在或已停用 / no active account {opts['actor']}")
        try:
            if action == "grant":
                person = Person.objects.filter(employee_no=opts["person"]).first()
                role = Role.objects.filter(code=opts["role"]).first()
                if person is None or role is None:
                    raise CommandError("人员或角色不存在 / unknown person or role")
                department = None
                if opts.get("department"):
                    department = Department.objects.filter(code=opts["department"]).first()
                    if department is None:
                        raise CommandError("部门不存在 / unknown department")
                a = services.role_grant_request(actor, person=person, role=role, department=department,
                                                reason=opts["reason"])
                self.stdout.write(f"已申请,待批准 / requested: grant {a.pk}")
                return
            assignment = RoleAssignment.objects.filter(pk=opts["id"]).first()
            if assignment is None:
                raise CommandError("授权不存在 / no such grant")
            fn = {"approve": services.role_grant_approve, "reject": services.role_grant_reject,
                  "revoke": services.role_revoke}[action]
            fn(actor, assignment, reason=opts["reason"])
            self.stdout.write(f"{action}: grant {assignment.pk} → {assignment.status}")
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
