"""Importing endpoint observations (终端监测记录): all bad rows at once and nothing stored, device
matching by asset number / host name / MAC, software matching by name or process name, the audit
event with the file's SM3 digest and counts (never the rows), permissions; the page, API and CLI.
Clauses: p01.2.4.c, p15.3.8-b, p15.3.11-c (the observed facts their checks judge)."""

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from xinan.audit.models import AuditEvent

from .. import services
from ..endpoint import endpoint_import
from ..models import EndpointEvent, EndpointImport, Equipment

HEADER = "资产编号,计算机名,MAC地址,时间,事件类型,账号,详情,标记,加密\n"


def csv(*rows, header=HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8")


@pytest.fixture
def pcs(device):
    a = device(asset_no="PC-A", hostname="pc-a", mac_address="00-1A-2B-3C-4D-01")
    b = device(asset_no="PC-B", hostname="pc-b", mac_address="00-1A-2B-3C-4D-02", kind=Equipment.Kind.LAPTOP)
    return a, b


def test_rows_matched_by_asset_host_and_mac_and_audited_without_rows(admin, pcs):
    """p15.3.8-b, p15.3.11-c: the facts stored per device; the audit image has the digest and counts only."""
    services.software_create(None, name="AutoCAD 2024", executables="acad.exe, acadlt.exe")
    content = csv("PC-A,,,2026-11-02 08:55,power_on,zhangsan,,,",
                  ",PC-B.corp.local,,2026-11-02 09:10,login,secret-account,,,",
                  ",,00:1a:2b:3c:4d:01,2026-11-02 09:30,运行程序,zhangsan,ACAD.EXE,,",
                  "PC-B,,,2026-11-02 10:00,file_found,lisi,D:\\机密\\合同.docx,涉密,否")
    result = endpoint_import(admin, file_name="edr.csv", content=content, source="桌管系统")
    assert result.ok, result.errors
    events = list(EndpointEvent.objects.order_by("row_number"))
    assert [e.device.asset_no for e in events] == ["PC-A", "PC-B", "PC-A", "PC-B"]
    assert [e.kind for e in events] == ["power_on", "login", "app_run", "file_found"]
    assert events[2].software.name == "AutoCAD 2024"
    assert events[3].tag == "classified" and events[3].encrypted is False
    assert result.imported.file_digest == hashlib.new("sm3", content).hexdigest()
    audit = AuditEvent.objects.get(action="assets.endpoint.import")
    assert audit.after["file_digest"] == result.imported.file_digest and audit.after["rows"] == 4
    assert audit.after["kinds"]["login"] == 1
    text = str(audit.after) + str(audit.before)
    assert "secret-account" not in text and "合同" not in text and "zhangsan" not in text


def test_every_bad_row_reported_and_nothing_stored(admin, pcs):
    """Unknown device, bad time, unknown kind, tag on a non-file row, file without tag: all at once."""
    content = csv("PC-A,,,2026-11-02 08:55,power_on,,,,",
                  "NO-SUCH,,,2026-11-02 09:00,power_on,,,,",
                  "PC-A,,,yesterday,power_off,,,,",
                  "PC-B,,,2026-11-02 09:00,dance,,,,",
                  "PC-B,,,2026-11-02 09:00,login,u1,,涉密,",
                  "PC-B,,,2026-11-02 09:00,file_found,u1,a.txt,,",
                  "PC-B,,,2026-11-02 09:00,file_found,u1,b.txt,important,maybe")
    result = endpoint_import(admin, file_name="edr.csv", content=content, source="osquery")
    assert not result.ok
    joined = "\n".join(result.errors)
    for n in (3, 4, 5, 6, 7, 8):
        assert f"第{n}行" in joined, joined
    assert "第2行" not in joined
    assert not EndpointImport.objects.exists() and not EndpointEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="assets.endpoint.import").exists()


def test_header_problems_refused(admin, pcs):
    result = endpoint_import(admin, file_name="x.csv", content=csv("a,b", header="foo,时间\n"), source="EDR")
    assert not result.ok and any("第1行" in e for e in result.errors)
    assert not EndpointEvent.objects.exists()


def test_staff_cannot_import(clerk, pcs):
    """Only holders of assets.endpointimport.add (the system administrator) import."""
    with pytest.raises(PermissionDenied):
        endpoint_import(clerk, file_name="e.csv", content=csv("PC-A,,,2026-11-02 08:55,power_on,,,,"), source="EDR")
    assert not EndpointEvent.objects.exists()


def test_upload_page_and_detail(admin, clerk, login, pcs):
    c = login(admin)
    url = reverse("assets:endpoint_upload")
    assert c.get(url).status_code == 200
    upload = SimpleUploadedFile("edr.csv", csv("PC-A,,,2026-11-02 08:55,power_on,,,,"), content_type="text/csv")
    r = c.post(url, {"file": upload, "source": "桌管系统"})
    assert r.status_code == 302
    imported = EndpointImport.objects.get()
    page = c.get(reverse("assets:endpoint_import_detail", args=[imported.pk]))
    assert page.status_code == 200 and "PC-A" in page.content.decode()
    bad = SimpleUploadedFile("bad.csv", csv("NOPE,,,2026-11-02 08:55,power_on,,,,"), content_type="text/csv")
    r = c.post(url, {"file": bad, "source": "桌管系统"})
    assert r.status_code == 400 and "第2行" in r.content.decode()
    assert EndpointImport.objects.count() == 1
    staff = login(clerk, the_client=c.__class__())
    assert staff.get(url).status_code == 403


def test_api_import(admin, clerk, login, pcs):
    client = login(admin)
    upload = SimpleUploadedFile("edr.csv", csv("PC-B,,,2026-11-02 10:00,file_found,u,x.doc,secret,no"))
    r = client.post("/api/assets/endpoint/imports", {"file": upload, "source": "EDR"})
    assert r.status_code == 201, r.content
    assert r.json()["rows"] == 1
    bad = SimpleUploadedFile("edr.csv", csv("PC-X,,,2026-11-02 10:00,login,u,,,"))
    r = client.post("/api/assets/endpoint/imports", {"file": bad, "source": "EDR"})
    assert r.status_code == 422 and "第2行" in json.dumps(r.json(), ensure_ascii=False)
    staff = login(clerk, the_client=client.__class__())
    again = SimpleUploadedFile("edr.csv", csv("PC-B,,,2026-11-02 10:00,login,u,,,"))
    assert staff.post("/api/assets/endpoint/imports", {"file": again, "source": "EDR"}).status_code == 403


def test_cli_import(admin, pcs, tmp_path):
    path = tmp_path / "edr.csv"
    path.write_bytes(csv("PC-A,,,2026-11-02 08:55,power_on,,,,"))
    call_command("assets", "endpoint-import", str(path), "--source", "桌管系统", "--as", admin.username)
    assert EndpointEvent.objects.filter(device__asset_no="PC-A").count() == 1
