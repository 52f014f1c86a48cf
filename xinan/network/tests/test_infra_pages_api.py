"""Pages and API of the infrastructure records: deciding on a remote-access application
(p15.2.26-a) and uploading device facts (p16.2.4, p27.1.2.2) with the findings they lead to."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinan.audit.models import AuditEvent
from xinan.network import remote_access
from xinan.network.models import FactImport, RemoteAccessApplication

from .conftest import csv_bytes


def _application(applicant, account="vpn-zhang"):
    today = timezone.localdate()
    return remote_access.remote_access_create(None, department=applicant.department, applicant=applicant,
                                              account=account, purpose="驻外办公", valid_from=today,
                                              valid_until=today + timedelta(days=7))


def test_remote_access_decided_on_its_page_and_through_the_api(make_user, make_person, login):
    """p15.2.26-a: the IT section approves on the page (audited); the API refuses the applicant
    deciding on their own application (403) and lets the IT section reject another."""
    applicant = make_person(name="张远程")
    first = _application(applicant)
    client = login(make_user("system_admin"))
    page = reverse("network:remote_decide", args=[first.pk])
    assert "vpn-zhang" in client.get(page).content.decode()
    response = client.post(page, {"decision": "approve", "reason": "同意一周"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == RemoteAccessApplication.Status.APPROVED and first.decision_note == "同意一周"
    assert AuditEvent.objects.filter(action="network.remoteaccessapplication.approve", subject_id=str(first.pk)).exists()
    second = _application(applicant, account="vpn-zhang2")
    own = login(make_user("system_admin", person=applicant), the_client=Client())
    refused = own.post(f"/api/network/remote-access/{second.pk}/approve", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 403
    rejected = client.post(f"/api/network/remote-access/{second.pk}/reject", {"reason": "无必要"},
                           content_type="application/json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_fact_upload_page_and_api_show_findings(make_user, login):
    """p16.2.4 / p27.1.2.2: an upload stores the facts and shows the findings they lead to; a bad
    file is refused with every bad row named, through the page (400) and the API (422)."""
    client = login(make_user("system_admin"))
    scan = csv_bytes([("10.9.9.9", "3389", "tcp", "rdp")], header=("ip", "port", "protocol", "service"))
    response = client.post(reverse("network:fact_upload"), {
        "kind": "port_scan", "file": SimpleUploadedFile("scan.csv", scan, content_type="text/csv")})
    body = response.content.decode()
    assert response.status_code == 200 and "10.9.9.9:3389/tcp(rdp)" in body and "p16.2.4" in body
    assert FactImport.objects.get().kind == "port_scan"
    bad = client.post(reverse("network:fact_upload"), {
        "kind": "switch_ports", "file": SimpleUploadedFile("lldp.csv", csv_bytes([("SW-1", "", "PC-1")],
                                                                                 header=("device", "port", "neighbour")))})
    assert bad.status_code == 400 and "第2行 端口" in bad.content.decode()
    api = client.post("/api/network/facts", {"kind": "switch_ports", "file": SimpleUploadedFile(
        "lldp.csv", csv_bytes([("SW-1", "Gi0/1", "PC-1")], header=("device", "port", "neighbour")))})
    assert api.status_code == 201, api.content
    assert "p27.1.2.2" in {f["clause"] for f in api.json()["findings"]}
    staff = login(make_user("staff"))
    assert staff.get(reverse("network:fact_upload")).status_code == 403
