"""涉密信息系统 on the information systems register: p08.4-a (milestones under the national
standards), p08.4-b (no use before national approval), p08.9.6 (定密、变更密级、解密 reviewed by the
secrecy office), p08.12-b (level recorded and a second-level secrecy regulation linked)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from xinan.audit.models import AuditEvent

from .. import services
from ..models import InformationSystem, RegulationDocument, SystemClassificationChange
from .conftest import plant

CC = SystemClassificationChange


@pytest.fixture
def office(make_department):
    return make_department("信息技术部", code="IT")


@pytest.fixture
def secrecy_admin(make_user):
    return make_user("security_admin", name="保密办王芳")


@pytest.fixture
def regulation(office):
    return services.regulation_create(None, title="涉密业务系统保密管理规定", topic="secrecy", department=office,
                                      document_no="保〔2025〕3号", issued_on=date(2025, 1, 1))


MILESTONES = dict(security_standards="BMB17-2006、BMB20-2007", designed_on=date(2025, 1, 10),
                  implemented_on=date(2025, 3, 1), evaluated_on=date(2025, 4, 1), evaluation_body="国家保密科技测评中心",
                  evaluation_report="测评〔2025〕018号", approved_on=date(2025, 5, 1),
                  approval_document_no="国保审〔2025〕27号", accepted_on=date(2025, 5, 10), in_service_on=date(2025, 6, 1))


@pytest.fixture
def system(office):
    def make(**extra):
        data = dict(name=f"涉密系统{InformationSystem.objects.count() + 1}", kind="application", department=office,
                    maintainer_department=office, status="design", design_includes_authorisation=True,
                    design_document="设计方案 V1.0")
        data.update(extra)
        return services.system_create(None, **data)

    return make


def names(findings):
    return sorted(f.subject_label for f in findings)


def _count():
    return (InformationSystem.objects.count(), CC.objects.count(), AuditEvent.objects.count())


# --- p08.4-a / p08.4-b ------------------------------------------------------------------------

def test_classified_system_enters_service_only_with_its_milestones(system, admin, regulation):
    """p08.4-a: a classified system enters service only with design, implementation, evaluation
    (body, report), approval (文号) and acceptance recorded under named standards, in order;
    refused in Chinese and English, nothing written."""
    s = system(name="涉密办公系统", classification=2, secrecy_regulation=regulation)
    before = _count()
    with pytest.raises(ValidationError) as exc:
        services.system_update(admin, s, status="in_service", in_service_on=date(2025, 6, 1))
    errors = exc.value.message_dict
    for field in ("security_standards", "designed_on", "implemented_on", "evaluated_on", "evaluation_body",
                  "evaluation_report", "approved_on", "approval_document_no", "accepted_on"):
        assert field in errors
    assert "/ a classified system entering service needs this" in errors["designed_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.system_update(admin, s, status="in_service", **{**MILESTONES, "evaluated_on": date(2025, 2, 1)})
    assert "evaluated_on" in exc.value.message_dict
    assert _count() == before
    s.refresh_from_db()
    assert s.status == "design"
    services.system_update(admin, s, status="in_service", **MILESTONES)
    s.refresh_from_db()
    assert s.status == "in_service" and s.approval_document_no == "国保审〔2025〕27号"


def test_classified_system_cannot_go_live_before_national_approval(system, admin, regulation):
    """p08.4-b: go-live before the national approval date is refused; on the day is accepted."""
    with pytest.raises(ValidationError) as exc:
        system(classification=1, secrecy_regulation=regulation, status="in_service",
               **{**MILESTONES, "in_service_on": date(2025, 4, 20), "accepted_on": date(2025, 4, 15),
                  "approved_on": date(2025, 4, 30)})
    assert "in_service_on" in exc.value.message_dict
    assert "national approval" in exc.value.message_dict["in_service_on"][-1]
    assert not InformationSystem.objects.exists()
    with pytest.raises(ValidationError) as exc:
        system(classification=1, secrecy_regulation=regulation, status="in_service",
               **{**MILESTONES, "approved_on": None, "approval_document_no": ""})
    assert "approved_on" in exc.value.message_dict
    ok = system(classification=1, secrecy_regulation=regulation, status="in_service",
                **{**MILESTONES, "accepted_on": date(2025, 5, 1), "in_service_on": date(2025, 5, 1)})
    assert ok.status == "in_service"


def test_unclassified_system_needs_no_national_approval(system):
    """p08.4-a, p08.4-b: the rules bind classified systems only."""
    s = system(status="in_service", classification=0)
    assert s.status == "in_service"


def test_checks_flag_classified_systems_in_use_without_milestones_or_approval(system, regulation, run):
    """p08.4-a, p08.4-b: rows that reached service past the service (restored, edited in SQL) are
    flagged; the compliant system and an unclassified one are not."""
    good = system(name="合规涉密系统", classification=2, secrecy_regulation=regulation, status="in_service",
                  **MILESTONES)
    early = system(name="提前上线系统", classification=2, secrecy_regulation=regulation, status="in_service",
                   **MILESTONES)
    plant(early, in_service_on=date(2025, 4, 1))
    bare = system(name="无审批系统", classification=1, secrecy_regulation=regulation)
    plant(bare, status="in_service", in_service_on=date(2025, 2, 1))
    system(name="非涉密系统", status="in_service", in_service_on=date(2020, 1, 1))
    assert names(run("p08.4-b")) == ["提前上线系统", "无审批系统"]
    a = {f.subject_label: f for f in run("p08.4-a")}
    assert sorted(a) == ["提前上线系统", "无审批系统"]  # out of order; milestones missing
    assert "approved_on" in a["无审批系统"].message_en and "顺序" in a["提前上线系统"].message_zh
    assert good.pk not in {int(f.subject_id) for f in run("p08.4-a")}


# --- p08.12-b ---------------------------------------------------------------------------------

def test_classified_system_needs_an_in_force_secrecy_regulation(system, admin, office, regulation, run):
    """p08.12-b: development or service of a classified system needs a linked in-force secrecy
    regulation (service refuses; a regulation of another topic is refused); the check flags the
    rows without one (and one whose regulation was later withdrawn), not the compliant one."""
    with pytest.raises(ValidationError) as exc:
        system(classification=1, status="development")
    assert "secrecy_regulation" in exc.value.message_dict
    other = services.regulation_create(None, title="软件运行管理制度", topic="software_operation", department=office,
                                       issued_on=date(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        system(classification=1, status="development", secrecy_regulation=other)
    assert "secrecy regulation" in exc.value.message_dict["secrecy_regulation"][0]
    good = system(name="有制度系统", classification=1, status="development", secrecy_regulation=regulation)
    bad = system(name="缺制度系统", classification=1, status="design")
    plant(bad, status="development")
    old = services.regulation_create(None, title="旧保密制度", topic="secrecy", department=office,
                                     issued_on=date(2020, 1, 1))
    withdrawn = system(name="制度已废止系统", classification=1, status="development", secrecy_regulation=old)
    services.regulation_update(admin, old, status=RegulationDocument.Status.WITHDRAWN)
    system(name="非涉密开发系统", status="development")
    assert names(run("p08.12-b")) == ["制度已废止系统", "缺制度系统"]
    assert good.classification == 1 and withdrawn.pk


# --- p08.9.6 ----------------------------------------------------------------------------------

def test_classification_change_takes_effect_only_after_the_secrecy_office_review(system, admin, secrecy_admin, run):
    """p08.9.6: an edit cannot change the level; a request reviewed by the secrecy office (not the
    requester) changes it, with the history of 定密 and 解密 kept; the check flags none of it."""
    s = system(name="业务应用系统")
    before = _count()
    with pytest.raises(ValidationError) as exc:
        services.system_update(admin, s, classification=1)
    assert "secrecy office" in exc.value.message_dict["classification"][0]
    assert _count() == before
    req = services.classification_request(admin, system=s, to_level=1, grounds="处理秘密级业务数据")
    assert req.kind == CC.Kind.CLASSIFY and req.from_level == 0 and req.requested_by == admin.person
    s.refresh_from_db()
    assert s.classification == 0  # not before the review
    with pytest.raises(ValidationError):
        services.classification_request(admin, system=s, to_level=2, grounds="再次申请")
    services.classification_review(secrecy_admin, req, approve=True, note="同意定为秘密级")
    s.refresh_from_db()
    req.refresh_from_db()
    assert s.classification == 1 and req.reviewed_by == secrecy_admin and req.status == CC.Status.APPROVED
    assert AuditEvent.objects.filter(action="assets.informationsystem.classify", subject_id=str(s.pk)).exists()
    down = services.classification_request(admin, system=s, to_level=0, grounds="业务不再涉密")
    assert down.kind == CC.Kind.DECLASSIFY
    services.classification_review(secrecy_admin, down, approve=True)
    s.refresh_from_db()
    assert s.classification == 0
    assert list(CC.objects.filter(system=s).order_by("requested_at").values_list("kind", flat=True)) == [
        "classify", "declassify"]
    assert run("p08.9.6") == []


def test_review_refused_to_the_requester_and_to_those_without_the_permission(system, make_user, secrecy_admin, admin):
    """p08.9.6: the requester may not review their own request; a user without the secrecy
    office's permission may not review; a refusal needs reasons; nothing is written."""
    s = system(name="档案系统")
    # the security administrator is named as the one asking: they may not review it themselves
    req = services.classification_request(admin, system=s, to_level=2, grounds="存储机密级档案",
                                          requested_by=secrecy_admin.person)
    before = _count()
    with translation.override("en"), pytest.raises(PermissionDenied) as exc:
        services.classification_review(secrecy_admin, req, approve=True)
    assert "may not review a change you requested" in str(exc.value)  # English under override("en")
    with pytest.raises(PermissionDenied):
        services.classification_review(make_user("staff", name="职员"), req, approve=True)
    other = make_user("security_admin", name="保密办赵敏")
    before = _count()
    with pytest.raises(ValidationError):
        services.classification_review(other, req, approve=False)
    assert _count() == before
    services.classification_review(other, req, approve=False, note="依据不足")
    s.refresh_from_db()
    assert s.classification == 0


def test_check_flags_levels_and_changes_without_review(system, admin, secrecy_admin, run):
    """p08.9.6: a system whose level was set past the service (no approved review for it) and an
    approved change whose reviewer is the requester are flagged; a reviewed one is not."""
    reviewed = system(name="已审核系统")
    req = services.classification_request(admin, system=reviewed, to_level=1, grounds="秘密级数据")
    services.classification_review(secrecy_admin, req, approve=True)
    unreviewed = system(name="擅自定密系统", classification=2)  # registered by the system itself: no review
    changed = system(name="擅自变更系统")
    req2 = services.classification_request(admin, system=changed, to_level=1, grounds="秘密级数据")
    services.classification_review(secrecy_admin, req2, approve=True)
    plant(changed.__class__.objects.get(pk=changed.pk), classification=3)
    selfie = services.classification_request(admin, system=system(name="自审系统"), to_level=1, grounds="秘密级")
    plant(selfie, status=CC.Status.APPROVED, reviewed_by=admin)
    found = run("p08.9.6")
    labels = names(found)
    assert "擅自定密系统" in labels and "擅自变更系统" in labels
    assert any(f.subject_type == "assets.systemclassificationchange" and "自审系统" in f.subject_label for f in found)
    assert "已审核系统" not in labels and unreviewed.pk


def test_registering_a_classified_system_puts_its_classification_to_review(office, admin, secrecy_admin, run):
    """p08.9.6: a person registering a system with a level files the 定密 for the secrecy office."""
    s = services.system_create(admin, name="新涉密系统", kind="application", department=office,
                               maintainer_department=office, classification=1)
    req = CC.objects.get(system=s)
    assert req.kind == "classify" and req.status == "requested" and req.to_level == 1
    assert names(run("p08.9.6")) == ["新涉密系统"]
    services.classification_review(secrecy_admin, req, approve=True)
    assert run("p08.9.6") == []


def test_review_step_page_and_api(system, admin, secrecy_admin, login):
    """p08.9.6: the secrecy office reviews on the 办理 page; the API offers the same step."""
    s = system(name="页面系统")
    req = services.classification_request(admin, system=s, to_level=1, grounds="秘密级数据")
    client = login(secrecy_admin)
    url = reverse("assets:system_classification_steps", args=[req.pk])
    page = client.get(url)
    assert page.status_code == 200 and "保密办审核通过" in page.content.decode()
    listed = client.get(f"/api/assets/steps/system-classifications/{req.pk}")
    assert listed.status_code == 200 and {x["name"] for x in listed.json()} == {"approve", "reject"}
    resp = client.post(url, {"step": "approve", "reason": "同意"})
    assert resp.status_code == 302
    s.refresh_from_db()
    assert s.classification == 1
