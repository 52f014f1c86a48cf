"""信息系统台账, 系统维护记录, 制度文件登记: p27.2.4-b (authorisation function in the design before
development), p27.2.10 (decommissioning records), p24.6 / p24.8 (the 电教/信息 office owns courseware
and application projects and maintains the OA system), p07.12 (software-operation regulations)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.core.parameters import parameter_set

from .. import services
from ..models import InformationSystem, RegulationDocument
from .conftest import plant


@pytest.fixture
def office(make_department):
    return make_department("信息技术部", code="IT")


@pytest.fixture
def system(dept, office):
    def make(**extra):
        data = dict(name=f"系统{InformationSystem.objects.count() + 1}", kind="application", department=office,
                    maintainer_department=office, status="in_service", design_includes_authorisation=True,
                    design_document="设计方案 V1.0")
        data.update(extra)
        return services.system_create(None, **data)

    return make


def ids(findings):
    return sorted(f.subject_label for f in findings)


# --- p27.2.4-b ---------------------------------------------------------------------------------

def test_a_system_cannot_move_past_design_without_the_authorisation_function(system, admin):
    """p27.2.4-b: the service refuses development or service without the function in the design."""
    s = system(name="核心业务系统", status="design", design_includes_authorisation=False, design_document="")
    with pytest.raises(ValidationError) as exc:
        services.system_update(admin, s, status="development")
    assert "design_includes_authorisation" in exc.value.message_dict
    assert "design_document" in exc.value.message_dict
    with pytest.raises(ValidationError):
        system(name="另一系统", status="in_service", design_includes_authorisation=False)
    services.system_update(admin, s, status="development", design_includes_authorisation=True,
                           design_document="核心业务系统设计方案 V2", reason="补充授权设计")
    s.refresh_from_db()
    assert s.status == "development"
    assert AuditEvent.objects.filter(action="assets.informationsystem.update", subject_id=str(s.pk)).exists()


def test_check_flags_systems_past_design_without_the_function(system, run):
    """p27.2.4-b: a system in service whose record lacks the function (bad data) is a violation;
    a planned system without it is not."""
    good = system(name="合规系统")
    bad = system(name="违规系统")
    plant(bad, design_includes_authorisation=False)
    system(name="规划中系统", status="planned", design_includes_authorisation=False, design_document="")
    findings = run("p27.2.4-b")
    assert ids(findings) == ["违规系统"]
    assert findings[0].severity == "violation" and good.name not in findings[0].message_zh


# --- p27.2.10 ----------------------------------------------------------------------------------

def test_decommission_needs_migration_and_destruction_records_and_a_distinct_witness(system, admin, person, run):
    """p27.2.10: decommissioning records what was migrated and destroyed, by whom, witnessed."""
    s = system(name="旧OA")
    doer, witness = person("执行人"), person("监督人")
    with pytest.raises(ValidationError) as exc:
        services.system_decommission(admin, s, data_migrated="", data_destroyed="", performed_by=doer,
                                     witness=doer)
    assert {"data_migrated", "data_destroyed", "witness"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):  # an edit cannot jump to decommissioned
        services.system_update(admin, s, status="decommissioned")
    services.system_decommission(admin, s, data_migrated="公文数据迁移至新OA", data_destroyed="旧服务器硬盘已消磁",
                                 performed_by=doer, witness=witness)
    s.refresh_from_db()
    assert (s.status, s.decommissioned_by, s.decommission_witness) == ("decommissioned", doer, witness)
    assert s.decommissioned_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="assets.informationsystem.decommission", subject_id=str(s.pk)).exists()
    assert run("p27.2.10") == []


def test_check_flags_a_decommissioned_system_without_records(system, run):
    """p27.2.10: a system marked decommissioned past the service (an import, a restore) is flagged."""
    s = system(name="停用系统")
    plant(s, status="decommissioned")
    findings = run("p27.2.10")
    assert ids(findings) == ["停用系统"]


# --- p24.6 / p24.8 ----------------------------------------------------------------------------

def test_courseware_and_application_projects_owned_outside_the_office_are_flagged(system, dept, run):
    """p24.6: courseware/application projects name the 电教/信息 office (assets.it_office) as owner."""
    system(name="教学课件", kind="courseware")
    system(name="部门自建应用", kind="application", department=dept)
    system(name="部门网站", kind="website", department=dept)  # not a development project of the office
    assert ids(run("p24.6")) == ["部门自建应用"]
    parameter_set(None, "assets.it_office", "信息技术部,CS")
    assert run("p24.6") == []


def test_oa_system_needs_the_office_as_maintainer_and_a_recent_maintenance_record(system, dept, office, person,
                                                                                     admin, run):
    """p24.8: OA maintenance records name the office as maintainer, within the period."""
    oa = system(name="办公OA", kind="oa")
    findings = run("p24.8")
    assert [f.key for f in findings] == ["maintenance"]
    services.system_maintenance_create(admin, system=oa, performed_on=timezone.localdate() - timedelta(days=3),
                                       performed_by=person("运维工程师", department=office), work="清理日志、检查账号")
    assert run("p24.8") == []
    later = timezone.now() + timedelta(days=45)
    assert [f.key for f in run("p24.8", as_of=later)] == ["maintenance"]  # a month passed without one
    services.system_maintenance_create(admin, system=oa, performed_on=timezone.localdate(later) - timedelta(days=1),
                                       performed_by=person("职员", department=dept), work="重启服务")
    assert [f.key for f in run("p24.8", as_of=later)] == ["maintenance"]  # not by the office: does not count
    services.system_update(admin, oa, maintainer_department=dept)
    assert [f.key for f in run("p24.8")] == ["maintainer"]


# --- p07.12 ------------------------------------------------------------------------------------

def test_departments_maintaining_systems_need_an_in_force_software_operation_regulation(system, office, admin,
                                                                                        run):
    """p07.12: a department maintaining a system in service without an in-force 软件运行管理制度 is a
    violation; a regulation past its review date is a warning."""
    system(name="核心系统")
    findings = run("p07.12")
    assert [(f.subject_type, f.subject_label, f.severity) for f in findings] == [
        ("org.department", "信息技术部", "violation")]
    services.regulation_create(admin, title="网络管理办法", topic="network", department=office,
                               issued_on=date(2024, 1, 1))
    assert len(run("p07.12")) == 1  # another topic does not count
    doc = services.regulation_create(admin, title="软件运行管理制度", topic="software_operation", department=office,
                                     issued_on=date(2024, 1, 1), next_review_on=timezone.localdate() + timedelta(days=30))
    assert run("p07.12") == []
    overdue = run("p07.12", as_of=timezone.now() + timedelta(days=60))
    assert [(f.subject_label, f.severity) for f in overdue] == [("软件运行管理制度", "warning")]
    services.regulation_update(admin, doc, status=RegulationDocument.Status.WITHDRAWN)
    assert [f.subject_type for f in run("p07.12")] == ["org.department"]


def test_regulation_review_must_follow_issue(office, admin):
    with pytest.raises(ValidationError):
        services.regulation_create(admin, title="制度", topic="software_operation", department=office,
                                   issued_on=date(2025, 1, 1), next_review_on=date(2024, 1, 1))
