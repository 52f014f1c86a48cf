"""Software: p01.4.1.a, p01.4.2.a, p01.4.2.b-a/b-b (禁止私自安装), p01.8.1.a (its penalty),
p07.13 (软件复制及领用登记簿), p07.16-b, p08.17-b, p15.2.8-c."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinan.core.parameters import parameter_set

from .. import services
from ..models import Penalty, SoftwareInstallation


@pytest.fixture
def catalogue():
    def make(name="CAD", **extra):
        data = dict(name=name, version="2024", license="commercial")
        data.update(extra)
        return services.software_create(None, **data)

    return make


def test_request_approve_and_install(device, catalogue, admin, make_user):
    """p01.4.2.b-b, p01.4.1.a: asked by the responsible person, checked and done by the administrator."""
    pc = device()
    staff = make_user("staff", person=pc.responsible)
    cad = catalogue()
    req = services.software_request_submit(staff, equipment=pc, software=cad, justification="制图工作需要")
    services.software_request_decide(admin, req, approve=True, note="符合要求")
    services.software_request_perform(admin, req)
    inst = SoftwareInstallation.objects.get(equipment=pc)
    assert (inst.basis, inst.request, inst.software) == ("request", req, cad)
    remove = services.software_request_submit(staff, equipment=pc, software=cad, action="uninstall",
                                              justification="不再需要")
    services.software_request_decide(admin, remove, approve=True)
    services.software_request_perform(admin, remove)
    inst.refresh_from_db()
    assert inst.removed_at is not None


def test_own_request_cannot_be_decided(device, catalogue, admin, second_admin):
    pc = device(responsible=admin.person, user=admin.person)
    req = services.software_request_submit(admin, equipment=pc, software=catalogue(), justification="需要")
    with pytest.raises(PermissionDenied):
        services.software_request_decide(admin, req, approve=True)


def test_unlicensed_software_is_never_installed_or_copied(device, catalogue, admin, person):
    """p07.16-b: 严禁安装任何非法或盗版软件."""
    pirate = catalogue("破解版软件", license="unlicensed")
    with pytest.raises(ValidationError) as exc:
        services.software_request_submit(admin, equipment=device(), software=pirate, justification="x",
                                         requested_by=person("甲"))
    assert "software" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.software_copy_create(admin, software=pirate, kind="copy", quantity=1, recipient=person("乙"),
                                      purpose="x", issued_on="2025-01-01")
    with pytest.raises(ValidationError):
        services.software_create(None, name="盗版", version="1", license="unlicensed", standard=True)


def test_server_installs_name_a_registered_medium(device, catalogue, admin, second_admin, person, medium):
    """p15.2.8-c: 未经允许严禁外来盘片带入机房对服务器进行安装."""
    server = device(kind="server")
    with pytest.raises(ValidationError) as exc:
        services.software_request_submit(admin, equipment=server, software=catalogue(), justification="部署",
                                         requested_by=person("甲"))
    assert "source_medium" in exc.value.message_dict
    services.software_request_submit(admin, equipment=server, software=catalogue("数据库"), justification="部署",
                                     requested_by=person("甲"), source_medium=medium(kind="system_disc"))


def test_unapproved_software_found_is_a_violation_with_its_penalty(device, catalogue, admin, run):
    """p01.4.2.b-a, p01.8.1.a: 私自安装 — recorded as a violation and a penalty per software."""
    pc = device()
    office = catalogue("办公套件", standard=True)
    services.installation_record(admin, equipment=pc, software=office)
    assert not Penalty.objects.exists()
    parameter_set(None, "p01.8.1.a.fine_cny", 50)
    found = services.installation_record(admin, equipment=pc, name_found="某游戏")
    assert found.basis == "unapproved"
    penalty = Penalty.objects.get()
    assert (penalty.person, penalty.clause, penalty.amount_cny) == (pc.responsible, "p01.8.1.a", 50)
    findings = run("p01.4.2.b-a")
    assert [f.subject_id for f in findings] == [str(found.pk)]
    assert "私自安装了未经许可的软件:某游戏" in findings[0].message_zh
    services.installation_remove(admin, found, reason="已卸载")
    assert run("p01.4.2.b-a") == []
    assert Penalty.objects.count() == 1  # the violation stays on record


def test_p07_16_b_and_p08_17_b_unlicensed_on_devices(device, catalogue, admin, run):
    plain, secret = device(), device(classification=1)
    a = services.installation_record(admin, equipment=plain, name_found="未知软件")
    b = services.installation_record(admin, equipment=secret, software=catalogue("破解软件", license="unlicensed"))
    assert [f.subject_id for f in run("p07.16-b")] == [str(a.pk)]
    assert [f.subject_id for f in run("p08.17-b")] == [str(b.pk)]


def test_copies_stay_within_the_licence(catalogue, admin, person):
    """p07.13: 软件复制及领用登记簿, 防止非法复制."""
    cad = catalogue(seats=2)
    services.software_copy_create(admin, software=cad, kind="issue", quantity=2, recipient=person("甲"),
                                  purpose="安装", issued_on="2025-01-01")
    with pytest.raises(ValidationError) as exc:
        services.software_copy_create(admin, software=cad, kind="copy", quantity=1, recipient=person("乙"),
                                      purpose="安装", issued_on="2025-01-02")
    assert "超出授权数量" in exc.value.message_dict["quantity"][0]
