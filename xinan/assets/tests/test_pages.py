"""Pages, imports and roles of the assets registers: 《计算机地址分配表》 in its columns, imports
reporting every bad row at once, the step pages, and who sees and does what."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinan.core.testing import workbook_bytes

from .. import services
from ..models import Equipment, Penalty, Repair

HEADER = ["资产编号", "设备类型", "使用部门", "负责人", "IP 地址", "MAC 地址"]


def test_address_table_prints_the_forms_columns(device, admin, login):
    """p01.2.1-b: the printed 《计算机地址分配表》."""
    pc = device(hostname="cs-pc09", ip_address="10.10.30.9", mac_address="3c:52:82:30:00:09")
    body = login(admin).get(reverse("registers:equipment_print_list")).content.decode()
    assert "《计算机地址分配表》" in body and "负责人签字" in body and "备案日期" in body
    columns = ["序号", "资产编号", "使用部门", "负责人", "使用人", "计算机名", "设备类型", "IP 地址", "MAC 地址"]
    positions = [body.index(f"<th>{c}</th>") for c in columns]
    assert positions == sorted(positions)
    assert "10.10.30.9" in body and "3C-52-82-30-00-09" in body and pc.responsible.name in body


def test_import_reports_every_bad_row_at_once(dept, person, admin, login):
    keeper = person("导入负责人")
    rows = [HEADER,
            ["IMP-1", "台式计算机", dept.code, keeper.employee_no, "10.9.0.1", ""],
            ["IMP-2", "台式计算机", "NO-SUCH", keeper.employee_no, "10.9.0.2", ""],
            ["IMP-3", "平板", dept.code, keeper.employee_no, "10.9.0.3", ""],
            ["IMP-4", "台式计算机", dept.code, keeper.employee_no, "999.0.0.1", "zz"]]
    client = login(admin)
    response = client.post(reverse("registers:equipment_import"),
                           {"file": SimpleUploadedFile("e.xlsx", workbook_bytes(rows)), "reason": "导入"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "第3行 使用部门" in body and "第4行 设备类型" in body
    assert not Equipment.objects.filter(asset_no__startswith="IMP-").exists()
    rows = [HEADER, ["IMP-1", "台式计算机", dept.code, keeper.employee_no, "10.9.0.1", ""],
            ["IMP-2", "台式计算机", dept.code, keeper.employee_no, "10.9.0.1", ""],
            ["IMP-3", "台式计算机", dept.code, keeper.employee_no, "999.0.0.1", ""]]
    response = client.post(reverse("registers:equipment_import"),
                           {"file": SimpleUploadedFile("e.xlsx", workbook_bytes(rows)), "reason": "导入"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "第3行 IP 地址" in body and "第4行 IP 地址" in body  # the duplicate and the malformed, together
    assert not Equipment.objects.filter(asset_no__startswith="IMP-").exists()


def test_repair_steps_page_diagnoses_and_records_the_penalty(device, admin, login):
    pc = device()
    repair = services.repair_report(admin, equipment=pc, reported_by=pc.responsible, fault="主机进水")
    client = login(admin)
    url = reverse("assets:repair_steps", args=[repair.pk])
    assert "诊断" in client.get(url).content.decode()
    bad = client.post(url, {"step": "diagnose", "cause": "personal", "diagnosis": ""})
    assert bad.status_code == 400 and "invalid-feedback" in bad.content.decode()
    ok = client.post(url, {"step": "diagnose", "cause": "personal", "diagnosis": "饮料泼洒", "measures": "更换键盘"})
    assert ok.status_code == 302
    assert Repair.objects.get(pk=repair.pk).status == "diagnosed"
    assert Penalty.objects.get().person == pc.responsible


def test_department_head_sees_only_their_department(device, make_user, login, other_dept, person):
    mine = device()
    theirs = services.equipment_create(None, asset_no="OPS-77", department=other_dept,
                                       responsible=person(department=other_dept))
    head = make_user("department_head", dept=mine.department)
    client = login(head)
    body = client.get(reverse("registers:equipment_list")).content.decode()
    assert mine.asset_no in body and theirs.asset_no not in body
    assert client.get(reverse("registers:equipment_add")).status_code == 403
    api = client.get("/api/assets/equipment").json()
    assert [item["asset_no"] for item in api["items"]] == [mine.asset_no]


def test_staff_report_a_fault_through_the_api(device, make_user, login):
    pc = device()
    client = login(make_user("staff", person=pc.responsible))
    response = client.post("/api/assets/repairs", json.dumps({"equipment": pc.pk, "fault": "打印机卡纸"}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["reported_by_id"] == pc.responsible_id
    assert client.get("/api/assets/media").status_code == 403


def test_deputy_gm_approves_from_the_menu(device, other_dept, person, admin, dgm, login):
    services.transfer_request(admin, equipment=device(), to_department=other_dept,
                              to_responsible=person(department=other_dept), purpose="调整")
    body = login(dgm).get(reverse("registers:transfers_list")).content.decode()
    assert "待副总经理批准" in body


def test_steps_through_the_api(device, other_dept, person, admin, dgm, login):
    """The same steps as the pages: listed for the caller, taken with the form's fields."""
    transfer = services.transfer_request(admin, equipment=device(), to_department=other_dept,
                                         to_responsible=person(department=other_dept), purpose="调整")
    client = login(dgm)
    listed = client.get(f"/api/assets/steps/transfers/{transfer.pk}").json()
    assert [s["name"] for s in listed] == ["approve", "reject"]
    refused = client.post(f"/api/assets/steps/transfers/{transfer.pk}/reject", json.dumps({}),
                          content_type="application/json")
    assert refused.status_code == 422 and "reason" in refused.content.decode()
    taken = client.post(f"/api/assets/steps/transfers/{transfer.pk}/approve", json.dumps({"reason": "同意"}),
                        content_type="application/json")
    assert taken.status_code == 200 and taken.json()["status"] == "approved"
    again = client.post(f"/api/assets/steps/transfers/{transfer.pk}/execute", json.dumps({}),
                        content_type="application/json")
    assert again.status_code == 403
