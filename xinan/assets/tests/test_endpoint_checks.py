"""The endpoint checks, each against a planted CSV: the violation is found and its compliant
counterpart is not (an approved exception, an approved request, a registered medium, …)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xinan.core.parameters import parameter_set
from xinan.policy.services import checks_run

from .. import services
from ..endpoint import endpoint_exception_create, endpoint_import
from ..models import EndpointException, Equipment, Software

HEADER = "asset_no,time,kind,account,detail,tag,encrypted\n"


def _weekday(days_back: int):
    day = timezone.localdate() - timedelta(days=days_back)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


D = None  # a recent working day, set per test by the ``day`` fixture


@pytest.fixture
def day():
    return _weekday(3)


@pytest.fixture
def plant(admin):
    """plant(rows) imports a CSV of (asset_no, "YYYY-MM-DD HH:MM", kind, account, detail, tag, encrypted)."""

    def do(*rows):
        text = HEADER + "".join(",".join(str(c) for c in (list(r) + [""] * (7 - len(r)))) + "\n" for r in rows)
        result = endpoint_import(admin, file_name="planted.csv", content=text.encode(), source="桌管系统")
        assert result.ok, result.errors
        return result.imported

    return do


def found(clause, check_id=None):
    """{asset_no: [severity, …]} of the clause's findings as of now (check_id: only that check's)."""
    out = {}
    for f in checks_run(clause=clause, as_of=timezone.now()).findings:
        if check_id is None or f.check_id == check_id:
            out.setdefault(f.subject_label, []).append(f.severity)
    return out


def t(day, hhmm, plus_days=0):
    return f"{day + timedelta(days=plus_days):%Y-%m-%d} {hhmm}"


def test_p01_2_4_c_left_on_after_hours_unless_approved(admin, device, day, plant):
    """p01.2.4.c 下班关闭主机电源: on without an off by the day's end, or running at night, is found;
    an approved after-hours use (终端例外登记) and a server are not."""
    for no in ("OFF", "LEFT", "OT", "NIGHT", "NIGHT-OK"):
        device(asset_no=no)
    device(asset_no="SRV", kind=Equipment.Kind.SERVER)
    for no in ("OT", "NIGHT-OK"):
        endpoint_exception_create(admin, equipment=Equipment.objects.get(asset_no=no), kind="after_hours",
                                  starts_on=day, ends_on=day, grounds="月末结账", approved_by=admin.person)
    plant(("OFF", t(day, "08:50"), "power_on"), ("OFF", t(day, "18:05"), "power_off"),
          ("LEFT", t(day, "08:50"), "power_on"),
          ("OT", t(day, "08:50"), "power_on"),
          ("SRV", t(day, "08:50"), "power_on"),
          ("NIGHT", t(day, "02:30", 1), "app_run", "u", "excel.exe"),
          ("NIGHT-OK", t(day, "01:30", 1), "login", "u"))
    result = found("p01.2.4.c")
    assert set(result) == {"LEFT", "NIGHT"}
    # The working day's end is a parameter: a power-off at 18:05 is late when the day ends at 18:00.
    parameter_set(None, "p01.2.4.c.working_day_end", "18:00")
    assert "OFF" in found("p01.2.4.c")


def test_p01_2_6_c_disk_format_only_by_administrators(admin, clerk, device, plant):
    """p01.2.6-c 禁止使用人员格式化硬盘: a format by the staff member's account is found, the administrator's is not."""
    device(asset_no="F1")
    device(asset_no="F2")
    now = timezone.localtime() - timedelta(hours=1)
    plant(("F1", f"{now:%Y-%m-%d %H:%M}", "disk_format", clerk.username, "D:"),
          ("F2", f"{now:%Y-%m-%d %H:%M}", "disk_format", admin.username.upper(), "D:"))
    assert set(found("p01.2.6-c")) == {"F1"}


@pytest.fixture
def catalogue():
    services.software_create(None, name="Steam", usage=Software.Usage.NON_WORK, executables="steam.exe")
    services.software_create(None, name="Word 2021", category=Software.Category.OFFICE, executables="winword.exe")
    services.software_create(None, name="海康监控客户端", usage=Software.Usage.MONITORING, executables="ivms.exe")


def test_p05_0_2_2_and_p15_5_9_non_work_software(catalogue, device, day, plant):
    """p05.0.2.2 上班时间不得运行与工作无关的软件 / p15.5.9 不得进行与工作无关的操作: a game in
    working hours breaks both, after hours only p15.5.9; work software is not found; software the
    catalogue lacks is a warning."""
    for no in ("GAME", "WORK", "EVENING", "UNKNOWN"):
        device(asset_no=no)
    plant(("GAME", t(day, "10:00"), "app_run", "u", "steam.exe"),
          ("WORK", t(day, "10:00"), "app_run", "u", "WINWORD.EXE"),
          ("EVENING", t(day, "20:00"), "app_run", "u", "Steam"),
          ("UNKNOWN", t(day, "11:00"), "app_run", "u", "xyz.exe"))
    assert found("p05.0.2.2") == {"GAME": ["violation"], "UNKNOWN": ["warning"]}
    assert found("p15.5.9") == {"GAME": ["violation"], "EVENING": ["violation"], "UNKNOWN": ["warning"]}


def test_p15_8_5_c_monitoring_computers_run_only_monitoring(catalogue, device, day, plant):
    """p15.8.5-c 严禁在监控计算机上做与监控无关的事情."""
    device(asset_no="NVR-1", kind=Equipment.Kind.MONITORING)
    device(asset_no="NVR-2", kind=Equipment.Kind.MONITORING)
    plant(("NVR-1", t(day, "10:00"), "app_run", "u", "ivms.exe"),
          ("NVR-2", t(day, "10:00"), "app_run", "u", "winword.exe"))
    assert set(found("p15.8.5-c")) == {"NVR-2"}


def test_p15_7_9_chassis_and_peripherals(admin, device, day, plant):
    """p15.7.9 除机房工作人员外不得拆装计算机或擅自接入其它设备: opened without maintenance by
    machine-room staff, a peripheral without approval, are found; their counterparts are not."""
    for no in ("MAINT", "OPENED", "CAM"):
        device(asset_no=no)
    services.maintenance_create(None, equipment=Equipment.objects.get(asset_no="MAINT"), kind="cleaning",
                                performed_on=day, performed_by=admin.person, content="除尘", restored=True)
    endpoint_exception_create(admin, equipment=Equipment.objects.get(asset_no="CAM"), kind="peripheral",
                              starts_on=day, ends_on=day, detail="camera", grounds="视频会议", approved_by=admin.person)
    plant(("MAINT", t(day, "10:00"), "chassis_opened"), ("OPENED", t(day, "10:00"), "chassis_opened"),
          ("CAM", t(day, "10:00"), "peripheral_connected", "u", "camera"),
          ("CAM", t(day, "11:00"), "peripheral_connected", "u", "usb-storage"))
    result = checks_run(clause="p15.7.9", as_of=timezone.now()).findings
    assert sorted((f.subject_label, f.evidence["detail"]) for f in result) == [("CAM", "usb-storage"),
                                                                              ("OPENED", "")]


def test_p07_16_a_changes_need_approval(admin, clerk, device, plant):
    """p07.16-a 不得擅自安装、拆卸或替换软硬件: an install with an approved request and a hardware
    change with a maintenance record are not found; without them they are."""
    cad = services.software_create(None, name="AutoCAD 2024", executables="acad.exe")
    ok, bad, hw_ok, hw_bad = (device(asset_no=n) for n in ("SW-OK", "SW-BAD", "HW-OK", "HW-BAD"))
    req = services.software_request_submit(clerk, equipment=ok, software=cad, justification="制图")
    services.software_request_decide(admin, req, approve=True)
    services.maintenance_create(None, equipment=hw_ok, kind="inspection", performed_on=timezone.localdate(),
                                performed_by=admin.person, content="更换内存", restored=True)
    when = f"{timezone.localtime() - timedelta(hours=2):%Y-%m-%d %H:%M}"
    plant(("SW-OK", when, "software_installed", "u", "acad.exe"), ("SW-BAD", when, "software_installed", "u", "acad.exe"),
          ("HW-OK", when, "hardware_changed", "", "内存"), ("HW-BAD", when, "hardware_changed", "", "硬盘"))
    assert set(found("p07.16-a")) == {"SW-BAD", "HW-BAD"}


def test_p27_2_5_c_important_computers_restrict_installs(device, plant):
    """p27.2.5-c 重要计算机用技术手段防止擅自安装: the latest policy state must say install_restricted=yes."""
    device(asset_no="S-OK", kind=Equipment.Kind.SERVER)
    device(asset_no="S-OPEN", kind=Equipment.Kind.SERVER)
    device(asset_no="S-SILENT", kind=Equipment.Kind.SERVER)
    device(asset_no="PLAIN-PC")
    earlier = f"{timezone.localtime() - timedelta(days=2):%Y-%m-%d %H:%M}"
    later = f"{timezone.localtime() - timedelta(days=1):%Y-%m-%d %H:%M}"
    plant(("S-OK", earlier, "policy_state", "", "install_restricted=no"),
          ("S-OK", later, "policy_state", "", "install_restricted=yes;usb_storage=blocked"),
          ("S-OPEN", earlier, "policy_state", "", "install_restricted=yes"),
          ("S-OPEN", later, "policy_state", "", "install_restricted=no"))
    assert set(found("p27.2.5-c")) == {"S-OPEN", "S-SILENT"}


def test_p15_2_8_c_only_approved_media_in_servers(device, medium, plant):
    """p15.2.8-c 未经允许严禁外来盘片带入机房对服务器进行安装: an unregistered medium in a server is found."""
    server = device(asset_no="SRV-1", kind=Equipment.Kind.SERVER)
    device(asset_no="SRV-2", kind=Equipment.Kind.SERVER)
    device(asset_no="DESK")
    medium(label_no="U-REG", installed_in=server)
    medium(label_no="U-ELSE")
    when = f"{timezone.localtime() - timedelta(hours=2):%Y-%m-%d %H:%M}"
    plant(("SRV-1", when, "medium_inserted", "", "u-reg"), ("SRV-2", when, "medium_inserted", "", "U-ELSE"),
          ("SRV-2", when, "medium_inserted", "", "STRANGER"), ("DESK", when, "medium_inserted", "", "STRANGER"))
    result = checks_run(clause="p15.2.8-c", as_of=timezone.now()).findings
    assert sorted(f.evidence["detail"] for f in result if f.check_id == "p15.2.8-c") == ["STRANGER", "U-ELSE"]


def test_p10_36_3_c_customer_data_devices_block_usb(admin, device, plant):
    """p10.36.3-c 限制设备输出接口的使用: USB storage not blocked on a customer-data device, unless an approved exception."""
    device(asset_no="CD-OK", handles_customer_data=True)
    device(asset_no="CD-OPEN", handles_customer_data=True)
    excused = device(asset_no="CD-EXC", handles_customer_data=True)
    device(asset_no="OTHER")
    today = timezone.localdate()
    endpoint_exception_create(admin, equipment=excused, kind=EndpointException.Kind.USB_STORAGE, starts_on=today,
                              ends_on=today + timedelta(days=3), grounds="数据交换", approved_by=admin.person)
    when = f"{timezone.localtime() - timedelta(hours=2):%Y-%m-%d %H:%M}"
    plant(("CD-OK", when, "policy_state", "", "usb_storage=blocked"),
          ("CD-OPEN", when, "policy_state", "", "usb_storage=allowed"),
          ("CD-EXC", when, "policy_state", "", "usb_storage=allowed"),
          ("OTHER", when, "policy_state", "", "usb_storage=allowed"))
    assert set(found("p10.36.3-c")) == {"CD-OPEN"}


def test_p15_3_8_b_classified_computer_logins_by_others(make_user, device, plant):
    """p15.3.8-b 涉密计算机专人专用: a login by another account is found, the designated user's is not."""
    owner, other = make_user("staff"), make_user("staff")
    device(asset_no="SEC-1", classification=1, user=owner.person)
    device(asset_no="PLAIN", user=owner.person)
    when = f"{timezone.localtime() - timedelta(hours=2):%Y-%m-%d %H:%M}"
    plant(("SEC-1", when, "login", owner.username), ("SEC-1", when, "login", owner.person.employee_no),
          ("SEC-1", when, "login", other.username), ("PLAIN", when, "login", other.username))
    result = [f for f in checks_run(clause="p15.3.8-b", as_of=timezone.now()).findings
              if f.check_id == "p15.3.8-b.endpoint"]
    assert [(f.subject_label, f.evidence["account"]) for f in result] == [("SEC-1", other.username)]


def test_file_scans(device, plant):
    """p15.3.11-c 便携机不存涉密信息, p05.2.5-a 涉密文件不放个人计算机, p05.0.3.1-b 未加密重要文件不存联网计算机,
    p15.3.7-a 涉密信息不进联网计算机."""
    device(asset_no="LAP", kind=Equipment.Kind.LAPTOP, classification=1)
    device(asset_no="PC-PLAIN")
    device(asset_no="PC-SEC", classification=1)
    device(asset_no="NET", internet_access=True)
    device(asset_no="NET-ENC", internet_access=True)
    device(asset_no="NET-SEC", internet_access=True, classification=1)
    when = f"{timezone.localtime() - timedelta(hours=2):%Y-%m-%d %H:%M}"
    plant(("LAP", when, "file_found", "u", "C:/机密.docx", "secret", "yes"),
          ("PC-PLAIN", when, "file_found", "u", "D:/涉密.xls", "classified", "no"),
          ("PC-SEC", when, "file_found", "u", "D:/涉密.xls", "classified", "no"),
          ("NET", when, "file_found", "u", "D:/报价.xls", "important", "no"),
          ("NET-ENC", when, "file_found", "u", "D:/报价.xls.gpg", "important", "yes"),
          ("PC-PLAIN", when, "file_found", "u", "D:/受控.doc", "controlled", "no"),
          ("NET-SEC", when, "file_found", "u", "D:/涉密.pdf", "classified", "yes"))
    assert set(found("p15.3.11-c", "p15.3.11-c.endpoint")) == {"LAP"}
    assert set(found("p05.2.5-a")) == {"PC-PLAIN"}
    assert set(found("p05.0.3.1-b")) == {"NET"}
    assert set(found("p15.3.7-a")) == {"NET-SEC"}  # a classified file on an internet-connected computer, even encrypted
