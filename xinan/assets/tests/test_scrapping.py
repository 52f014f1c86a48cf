"""计算机报废: p01.2.8.a/b/c, p14.8, p10.36.3-d, p15.3.10 (a device holding classified media)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xinan.core.parameters import parameter_set

from .. import services
from ..models import Equipment, Sanitisation, Scrapping
from .conftest import plant


@pytest.fixture
def finance(make_user):
    return make_user("finance", name="会计")


def _propose(actor, pc, **extra):
    data = dict(equipment=pc, proposed_by=pc.responsible, grounds="主板烧毁", condition="broken")
    data.update(extra)
    return services.scrapping_propose(actor, **data)


def _wipe(pc, person, **extra):
    data = dict(purpose=Sanitisation.Purpose.SCRAPPING, equipment=pc, backed_up=True, backup_location="档案室",
                method=Sanitisation.Method.DESTROY, performed_at=timezone.now(), performed_by=person("处理人"),
                witness=person("见证人"))
    data.update(extra)
    return services.sanitisation_create(None, **data)


def test_full_scrapping_and_one_batch_of_remnants(device, clerk, head, admin, finance, person):
    """p01.2.8.a/b: proposal, appraisal, manager's approval, finance, remnants in one batch."""
    pcs = [device(), device()]
    done = []
    for pc in pcs:
        s = _propose(clerk, pc)
        assert Equipment.objects.get(pk=pc.pk).status == "scrapping"
        services.scrapping_appraise(admin, s, agree=True, appraisal="主板烧毁,无维修价值")
        services.scrapping_approve(head, s, reason="同意")
        with pytest.raises(ValidationError) as exc:
            services.scrapping_write_off(finance, s, sanitisation=None, finance_ref="FA-1")
        assert "sanitisation" in exc.value.message_dict
        services.scrapping_write_off(finance, s, sanitisation=_wipe(pc, person), finance_ref=f"FA-{pc.pk}")
        assert Equipment.objects.get(pk=pc.pk).status == "scrapped"
        done.append(s)
    batch = services.remnants_dispose(admin, scrappings=done, disposed_on=timezone.localdate(), method="交有资质单位回收",
                                      handled_by=person("回收人"))
    assert set(Scrapping.objects.filter(remnant_batch=batch).values_list("status", flat=True)) == {"disposed"}
    with pytest.raises(ValidationError):
        services.remnants_dispose(admin, scrappings=done, disposed_on=timezone.localdate(), method="再处理",
                                  handled_by=person("回收人"))


def test_scrapping_a_device_holding_classified_media_is_refused(device, head, medium):
    """Bad input: the message names the device and the medium, in Chinese and English."""
    pc = device(asset_no="PC-SECRET")
    medium(label_no="HD-01", kind="hard_disk", installed_in=pc, classification=2)
    with pytest.raises(ValidationError) as exc:
        _propose(head, pc)
    message = exc.value.message_dict["equipment"][0]
    assert "PC-SECRET" in message and "HD-01" in message and "classified media" in message
    assert not Scrapping.objects.exists() and Equipment.objects.get(pk=pc.pk).status == "in_use"


def test_condition_two_needs_a_cost_near_the_replacement(device, head, admin):
    """p01.2.8.c: (2) 修理或改装费用超过或接近同等效能设备价值."""
    with pytest.raises(ValidationError) as exc:
        _propose(head, device(), condition="costly")
    assert "repair_estimate" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _propose(head, device(), condition="costly", repair_estimate=1000, replacement_value=4000)
    assert "不符合报废条件(2)" in exc.value.message_dict["repair_estimate"][0]
    _propose(head, device(), condition="costly", repair_estimate=3400, replacement_value=4000)
    parameter_set(None, "assets.scrap_cost_percent", 90)
    with pytest.raises(ValidationError):
        _propose(head, device(), condition="costly", repair_estimate=3400, replacement_value=4000)


def test_separation_appraiser_and_proposer_do_not_approve(device, head, make_user, admin, dept):
    both = make_user("system_admin", "department_head", dept=dept)
    s = _propose(head, device())
    services.scrapping_appraise(both, s, agree=True, appraisal="同意")
    with pytest.raises(PermissionDenied):
        services.scrapping_approve(both, s)
    s2 = _propose(head, device(), proposed_by=head.person)
    services.scrapping_appraise(admin, s2, agree=True, appraisal="同意")
    with pytest.raises(PermissionDenied):
        services.scrapping_approve(head, s2)


def test_refused_appraisal_returns_the_device_to_use(device, head, admin):
    s = _propose(head, device())
    services.scrapping_appraise(admin, s, agree=False, appraisal="可维修后继续使用")
    assert Equipment.objects.get(pk=s.equipment_id).status == "in_use"
    assert Scrapping.objects.get(pk=s.pk).status == "rejected"


def test_other_departments_cannot_propose_and_write_off_needs_a_backup(device, make_user, clerk, head, admin, person):
    with pytest.raises(PermissionDenied):
        _propose(make_user("staff"), device())  # staff of another department
    pc = device()
    s = _propose(clerk, pc)
    services.scrapping_appraise(admin, s, agree=True, appraisal="报废")
    services.scrapping_approve(head, s)
    with pytest.raises(ValidationError) as exc:
        _wipe(pc, person, backed_up=False)
    assert "backed_up" in exc.value.message_dict


def test_p14_8_written_off_without_sanitisation_is_found(device, clerk, head, admin, finance, person, run):
    pc = device()
    s = _propose(clerk, pc)
    services.scrapping_appraise(admin, s, agree=True, appraisal="报废")
    services.scrapping_approve(head, s)
    services.scrapping_write_off(finance, s, sanitisation=_wipe(pc, person), finance_ref="FA-9")
    assert run("p14.8") == []
    plant(s, sanitisation=None)
    assert [f.subject_id for f in run("p14.8")] == [str(s.pk)]


def test_a_head_of_another_department_cannot_approve_in_the_engine(device, clerk, admin, make_user, other_dept):
    """The engine lets any department head act; the completion hook keeps it to the device's own."""
    from xinan.workflows.models import WorkflowInstance
    from xinan.workflows.services import workflow_act

    s = _propose(clerk, device())
    services.scrapping_appraise(admin, s, agree=True, appraisal="主板烧毁")
    stranger = make_user("department_head", dept=other_dept)
    instance = WorkflowInstance.objects.get(code="assets_scrapping", subject_id=str(s.pk))
    with pytest.raises(PermissionDenied):
        workflow_act(stranger, instance, "approve", "同意")
    assert Scrapping.objects.get(pk=s.pk).status == "appraised"
    assert WorkflowInstance.objects.get(pk=instance.pk).current_step.code == "approve"
