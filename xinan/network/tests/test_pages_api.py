"""Pages and API of the IP plan: utilisation, release, history, deciding on a request, the
observed-facts upload showing its findings; the API's allocate/release/decide/import endpoints."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinan.audit.models import AuditEvent
from xinan.network import access, services
from xinan.network.models import IPAllocation, ObservationImport

from .conftest import csv_bytes

EXAMPLE = [["192.168.10.11", "aa:bb:cc:00:00:11", "pc-011"], ["192.168.10.55", "aa:bb:cc:00:00:12", "pc-012"],
           ["192.168.10.60", "aa:bb:cc:00:00:60", "laptop-x"], ["192.168.10.61", "aa:bb:cc:00:00:61", ""]]


def _example_plan(allocate):
    allocate("192.168.10.11", "PC-011", mac="aa:bb:cc:00:00:11", hostname="pc-011")
    allocate("192.168.10.12", "PC-012", mac="aa:bb:cc:00:00:12", hostname="pc-012")


def test_utilisation_counts_active_reserved_and_free(office, allocate, it_dept, make_user, login):
    allocate("192.168.10.11", "PC-011")
    allocate("192.168.10.12", "PC-012")
    request = access.access_request_create(None, department=it_dept, device_label="PC-013", purpose="入网")
    services.allocation_create(None, ip="192.168.10.13", device_label="PC-013", department=it_dept, access_request=request)
    client = login(make_user("system_admin"))
    body = client.get(reverse("network:utilisation")).content.decode()
    assert "192.168.10.0/24" in body
    row = client.get("/api/network/utilisation").json()
    assert row == [{"subnet": office.pk, "cidr": "192.168.10.0/24", "name": "办公网", "vlan": 10, "is_public": False,
                    "usable": 254, "active": 2, "requested": 1, "free": 251}]


def test_utilisation_is_scoped_to_the_viewers_department(office, make_department, make_user, login):
    other = services.subnet_create(None, cidr="10.20.0.0/24", name="仓库网", purpose="仓储", department=make_department("仓库"))
    client = login(make_user("staff", dept=office.department))
    body = client.get(reverse("network:utilisation")).content.decode()
    assert office.cidr in body and other.cidr not in body
    assert login(make_user()).get(reverse("network:utilisation")).status_code == 403


def test_release_page_and_history(office, allocate, make_user, login):
    allocation = allocate("192.168.10.11", "PC-011")
    client = login(make_user("system_admin"))
    response = client.post(reverse("network:allocation_release", args=[allocation.pk]), {"reason": "设备报废"})
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == IPAllocation.Status.RELEASED
    history = client.get(reverse("network:allocation_history", args=[allocation.pk])).content.decode()
    assert "收回" in history and "设备报废" in history
    again = client.post(reverse("network:allocation_release", args=[allocation.pk]), {"reason": "再次"})
    assert again.status_code == 400 and "已收回" in again.content.decode()


def test_request_decision_page_refuses_the_requester(office, it_dept, make_user, login):
    requester = make_user("staff", dept=it_dept)
    admin = make_user("system_admin")
    request = access.access_request_create(requester, department=it_dept, device_label="PC-090", purpose="入网")
    response = login(requester).post(reverse("network:request_decide", args=[request.pk]), {"decision": "approve"})
    assert response.status_code == 400 and "信息科批准备案" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "submitted"
    admin_client = login(admin)
    response = admin_client.post(reverse("network:request_decide", args=[request.pk]), {"decision": "approve", "reason": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"


def test_upload_page_shows_the_findings_of_the_example(office, allocate, make_user, login):
    _example_plan(allocate)
    client = login(make_user("system_admin"))
    response = client.post(reverse("network:observation_upload"), {
        "file": SimpleUploadedFile("arp.csv", csv_bytes(EXAMPLE, header=("ip", "mac", "hostname"))), "source": "arp"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    page = client.get(response["Location"]).content.decode()
    table = page.split('id="findings"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 7  # header + 2 devices × 2 clauses + 1 move × 3 clauses
    assert "未登记设备 192.168.10.60(aa:bb:cc:00:00:60, laptop-x)" in table
    assert "192.168.10.61(aa:bb:cc:00:00:61)" in table
    assert "出现在 192.168.10.55,未经批准擅自更改 IP" in table


def test_upload_page_lists_every_bad_row(office, make_user, login):
    client = login(make_user("system_admin"))
    bad = csv_bytes([["1.2.3.999", "aa", ""], ["10.0.0.1", "", "ok"], ["x", "", ""]], header=("ip", "mac", "hostname"))
    response = client.post(reverse("network:observation_upload"), {"file": SimpleUploadedFile("a.csv", bad), "source": "csv"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "第2行 IP地址" in body and "第2行 MAC地址" in body and "第4行 IP地址" in body
    assert not ObservationImport.objects.exists()
    staff = login(make_user("staff"))
    assert staff.post(reverse("network:observation_upload"), {"source": "csv"}).status_code == 403


def test_api_allocate_release_and_decide(office, it_dept, make_user, login):
    requester, admin = make_user("staff", dept=it_dept), make_user("system_admin")
    request = access.access_request_create(requester, department=it_dept, device_label="PC-100", mac="AABB.CC00.0100",
                                           purpose="入网", subnet=office)
    client = login(admin)
    made = client.post("/api/network/allocate", json.dumps({"access_request": request.pk}), content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["ip"], body["status"], body["mac"], body["device_label"]) == ("192.168.10.1", "requested",
                                                                               "aa:bb:cc:00:01:00", "PC-100")
    dup = client.post("/api/network/allocate", json.dumps({"access_request": request.pk, "ip": "192.168.10.1"}),
                      content_type="application/json")
    assert dup.status_code in (400, 422) and "已分配给设备 PC-100" in json.dumps(dup.json(), ensure_ascii=False)
    outside = client.post("/api/network/allocate", json.dumps({"access_request": request.pk, "ip": "8.8.8.8"}),
                          content_type="application/json")
    assert outside.status_code in (400, 422)
    assert "不在 IP 规划的任何网段内" in json.dumps(outside.json(), ensure_ascii=False)
    decided = client.post(f"/api/network/requests/{request.pk}/approve", json.dumps({"reason": "同意"}),
                          content_type="application/json")
    assert decided.json()["status"] == "approved"
    assert IPAllocation.objects.get(pk=body["id"]).status == "active"
    released = client.post(f"/api/network/allocations/{body['id']}/release", json.dumps({"reason": "离职"}),
                           content_type="application/json")
    assert released.json()["status"] == "released"
    assert AuditEvent.objects.filter(action="network.ipallocation.release", subject_id=str(body["id"])).exists()
    staff_client = login(requester)
    assert staff_client.post("/api/network/allocate", json.dumps({"access_request": request.pk}),
                             content_type="application/json").status_code == 403


def test_api_observation_import_returns_the_findings(office, allocate, make_user, login):
    _example_plan(allocate)
    client = login(make_user("system_admin"))
    response = client.post("/api/network/observations",
                           {"file": SimpleUploadedFile("arp.csv", csv_bytes(EXAMPLE, header=("ip", "mac", "hostname"))),
                            "source": "arp"})
    assert response.status_code == 201, response.content
    findings = response.json()["findings"]
    assert sorted((f["clause"], f["subject"]["id"]) for f in findings if f["subject"]["type"] == "network.device") == [
        ("p15.2.7", "aa:bb:cc:00:00:60"), ("p15.2.7", "aa:bb:cc:00:00:61"),
        ("p15.2.9-a", "aa:bb:cc:00:00:60"), ("p15.2.9-a", "aa:bb:cc:00:00:61")]
    assert sorted(f["clause"] for f in findings if f["subject"]["type"] == "network.ipallocation") == [
        "p01.2.5-a", "p07.11", "p16.3.1"]
    bad = client.post("/api/network/observations",
                      {"file": SimpleUploadedFile("a.csv", csv_bytes([["x", "", ""], ["y", "", ""]],
                                                                     header=("ip", "mac", "hostname")))})
    assert bad.status_code in (400, 422)
    text = json.dumps(bad.json(), ensure_ascii=False)
    assert "第2行 IP地址" in text and "第3行 IP地址" in text
