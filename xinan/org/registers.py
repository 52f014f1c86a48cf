"""The organisation's registers: 部门, 岗位, 人员 (p21.5.1.1 组织机构, p21.5.1.2 岗位职责)."""

from django.utils.translation import gettext_lazy as _

from xinan.core.registers import register

from . import services
from .models import Department, Person, Post

departments = register(
    slug="departments", model=Department, title=_("部门"),
    fields=["code", "name", "parent", "description"],
    columns=["code", "name", "parent"],
    filters=["parent"], search=["code", "name"], ordering=["code"],
    lookups={"parent": "code"}, department_field="self",
    create=services.department_create, update=services.department_update, archive=services.department_archive,
    clauses=["p21.5.1.1"],
)

posts = register(
    slug="posts", model=Post, title=_("岗位"),
    fields=["code", "name", "department", "duties"],
    columns=["code", "name", "department"],
    filters=["department"], search=["code", "name"], ordering=["code"],
    lookups={"department": "code"}, department_field="department",
    create=services.post_create, update=services.post_update, archive=services.post_archive,
    clauses=["p21.5.1.2-b"],
)

people = register(
    slug="people", model=Person, title=_("人员"),
    fields=["employee_no", "name", "department", "post", "phone", "email", "birth_date", "joined_on"],
    columns=["employee_no", "name", "department", "post", "status", "joined_on"],
    filters=["department", "post", "status"], search=["employee_no", "name"], ordering=["employee_no"],
    lookups={"department": "code", "post": "code"}, department_field="department",
    create=services.person_create, update=services.person_update, archive=services.person_archive,
    detail_actions=[(_("调离岗位"), "org:person_transfer", "org.person.change"),
                    (_("离职"), "org:person_depart", "org.person.change")],
    clauses=["p21.5.1.1"],
)
