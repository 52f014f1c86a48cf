"""An organisation for the workflow tests: two departments, a requester, heads, the deputy GM,
the 三员, and a record (a post) to start workflows on."""

from dataclasses import dataclass

import pytest

from xinan.org import services as org
from xinan.org.models import Role
from xinan.workflows import definitions, services


@dataclass
class Org:
    sales: object
    it: object
    subject: object
    requester: object
    head: object  # department_head of sales, by a grant for that department
    other_head: object  # department_head of it
    deputy: object
    sysadmin: object
    sysadmin2: object
    secadmin: object
    auditor: object
    clerk: object  # staff in sales


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def grant(person, code, department=None):
    return org.role_grant_direct(None, person=person, role=Role.objects.get(code=code), department=department)


@pytest.fixture
def o(make_department, make_user, make_person):
    sales, it = make_department("销售部"), make_department("信息技术部")
    head = make_user("staff", dept=sales, name="王部长")
    grant(head.person, "department_head", sales)
    other_head = make_user("staff", dept=it, name="赵部长")
    grant(other_head.person, "department_head", it)
    subject = org.post_create(None, code="P-WF", name="审批测试岗位", department=sales, duties="测试")
    return Org(
        sales=sales, it=it, subject=subject,
        requester=make_user("staff", dept=sales, name="申请人"), head=head, other_head=other_head,
        deputy=make_user("deputy_gm", dept=it, name="刘副总"),
        sysadmin=make_user("system_admin", dept=it, name="管理员甲"),
        sysadmin2=make_user("system_admin", dept=it, name="管理员乙"),
        secadmin=make_user("security_admin", dept=it, name="安全员"),
        auditor=make_user("auditor", dept=it, name="审计员"),
        clerk=make_user("staff", dept=sales, name="办事员"),
    )


def spec(code, steps, **extra):
    """A definition for a test: steps as (code, kind, actor) triples."""
    return {"code": code, "name": f"测试流程 {code}", "steps": [
        {"code": c, "name": f"步骤 {c}", "kind": k, "actor": a, "deadline": "P1D"} for c, k, a in steps], **extra}


@pytest.fixture
def install():
    def do(code, steps, **extra):
        return definitions.install(spec(code, steps, **extra))

    return do


@pytest.fixture
def start(o):
    def do(code="two_step_approval", actor=None, subject=None, reason="测试申请"):
        return services.workflow_start(actor or o.requester, code, subject or o.subject, reason=reason)

    return do
