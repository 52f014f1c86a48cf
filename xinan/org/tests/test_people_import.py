"""Bad input in the people register: duplicate employee numbers and unknown departments are
refused naming row and field, and nothing is half-written."""

import pytest

from xinan.core.imports import import_rows, read_table
from xinan.core.registers import registry
from xinan.core.testing import workbook_bytes
from xinan.org.models import Person

HEADER = ["工号", "姓名", "部门", "电话"]


@pytest.fixture
def people_register():
    return registry.get("people")


def test_duplicate_employee_numbers_in_one_file(people_register, department):
    rows = [HEADER, ["A001", "甲", department.code, ""], ["A002", "乙", department.code, ""],
            ["A001", "丙", department.code, ""]]
    result = import_rows(None, people_register, read_table("p.xlsx", workbook_bytes(rows)))
    assert result.errors == ["第4行 工号: 与第2行重复 / duplicates row 2"]
    assert not Person.objects.filter(employee_no__in=["A001", "A002"]).exists()


def test_unknown_department_is_reported_with_every_bad_row(people_register, department):
    rows = [HEADER, ["B001", "甲", "NOPE", ""], ["B002", "乙", department.code, ""], ["B003", "丙", "ALSO-NOPE", ""]]
    result = import_rows(None, people_register, read_table("p.xlsx", workbook_bytes(rows)))
    assert len(result.errors) == 2
    assert result.errors[0].startswith("第2行 部门: 未找到部门编码为“NOPE”的部门")
    assert result.errors[1].startswith("第4行 部门")
    assert not Person.objects.filter(employee_no__startswith="B00").exists()


def test_existing_employee_number_updates_instead_of_duplicating(people_register, make_person, department):
    person = make_person(employee_no="C001", name="旧名")
    rows = [HEADER, ["C001", "新名", department.code, "13700000000"]]
    result = import_rows(None, people_register, read_table("p.xlsx", workbook_bytes(rows)))
    assert result.ok and result.updated == 1 and result.created == 0
    person.refresh_from_db()
    assert person.name == "新名" and Person.objects.filter(employee_no="C001").count() == 1


def test_duplicate_employee_number_on_the_page(make_user, login, make_person, department):
    make_person(employee_no="D001")
    client = login(make_user("system_admin"))
    response = client.post("/org/people/add/", {"employee_no": "D001", "name": "重复", "department": department.pk})
    assert response.status_code == 400
    assert "工号" in response.content.decode() and "已存在" in response.content.decode()
    assert Person.objects.filter(employee_no="D001").count() == 1


def test_missing_required_column_is_named(people_register):
    rows = [["姓名"], ["甲"]]
    result = import_rows(None, people_register, read_table("p.xlsx", workbook_bytes(rows)))
    assert result.errors and "缺少必填列" in result.errors[0] and "工号" in result.errors[0]


def test_archived_department_is_refused_in_an_import(people_register, make_department):
    from xinan.org import services

    closed = make_department("撤销的部门", code="CLOSED")
    services.department_archive(None, closed, reason="撤销")
    rows = [HEADER, ["E901", "甲", "CLOSED", ""]]
    result = import_rows(None, people_register, read_table("p.xlsx", workbook_bytes(rows)))
    assert result.errors == ["第2行 部门: 部门“CLOSED”已归档 / 部门 “CLOSED” is archived"]
    assert not Person.objects.filter(employee_no="E901").exists()
