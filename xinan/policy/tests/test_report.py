"""The 篇21 self-assessment report (p21.1–p21.5.2.5-c; 附表1 p21.3, 附表2 p21.4): content built from
the catalogue, the findings and the mechanisms; PDF with the CJK font embedded; Excel; the page,
the download buttons and the command; every report an audit event."""

import hashlib
import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record
from xinan.policy.reports import content, fonts
from xinan.policy.reports.content import build
from xinan.policy.reports.services import report_generate
from xinan.policy.services import checks_run

STALE = "p21.5.1.5-c"  # 半年内账户密码应变更: implemented, check p21.5.1.5-c


@pytest.fixture
def stale_password(make_user):
    """An account whose password is seven months old: the check opens a violation."""
    user = make_user("staff", name="钱七", username="qian7")
    with audited_write():
        user.password_changed_at = timezone.now() - timedelta(days=215)
        user.save()
        record(None, "test.plant", user)
    checks_run(clause=STALE)
    return user


def _clause(report, clause_id):
    return next(c for i in report.items for c in i.clauses if c.id == clause_id)


def _item(report, number):
    return next(i for i in report.items if i.number == number)


def test_structure_follows_pian21(department):
    report = build(assessor="赵强")
    assert report.organisation == "总公司"  # the root department
    assert [s.number for s in report.sections] == ["5.1", "5.2"]
    assert [i.number for i in report.items] == ["5.1.1", "5.1.2", "5.1.3", "5.1.4", "5.1.5",
                                                "5.2.1", "5.2.2", "5.2.3", "5.2.4", "5.2.5", "5.2.6"]
    assert [c.id for c in _item(report, "5.1.5").clauses] == ["p21.5.1.5-a", "p21.5.1.5-b", "p21.5.1.5-c", "p21.5.1.5-d"]
    from xinan.policy import catalogue

    every = [c.id for c in catalogue.load() if c.id.startswith("p21.5.")]
    assert sorted(c.id for i in report.items for c in i.clauses) == sorted(every)
    for c in (c for i in report.items for c in i.clauses):
        assert c.standard == catalogue.load().get(c.id).text  # 评估标准 is the clause, verbatim
        assert c.conclusion in ("符合", "基本符合", "不符合", "未评估")
    assert _item(report, "5.2.6").clauses == [] and "截止" in _item(report, "5.2.6").note
    assert [n for n, _h, _t in report.intro] == ["1", "2", "3", "4"]


def test_planted_violation_gives_non_compliance(stale_password):
    report = build()
    c = _clause(report, STALE)
    assert c.conclusion == "不符合"
    assert "其中 1 个账号口令超过6个月未更换" in c.description and "qian7(钱七)" in c.description
    item = _item(report, "5.1.5")
    assert item.conclusion == "不符合" and STALE in item.advice
    assert report.counts["不符合"] == 1


def test_unimplemented_items_need_manual_assessment():
    report = build()
    organisation = _clause(report, "p21.5.1.1")
    assert organisation.conclusion == "未评估" and "需人工评估" in organisation.description
    patches = _item(report, "5.2.5")
    if all(c.status.mechanism == "missing" and not c.status.by for c in patches.clauses):
        assert all(c.description == "本项尚未在系统中实现,需人工评估。" for c in patches.clauses)
        assert patches.conclusion == "未评估"


def test_annexes_note_missing_registers_and_fill_in_from_a_register(monkeypatch, make_person):
    monkeypatch.setattr(content, "ASSET_SLUGS", ("no_such_register",))
    monkeypatch.setattr(content, "INCIDENT_SLUGS", ("no_such_register",))
    report = build()
    [assets], [incidents] = report.assets, report.incidents
    assert assets.rows == [] and "资产登记簿尚未启用" in assets.note and assets.columns[1] == "资产名称"
    assert incidents.rows == [] and "安全事件登记簿尚未启用" in incidents.note
    # When a register with one of the slugs exists, its rows fill the table (here: people).
    make_person("孙八")
    monkeypatch.setattr(content, "ASSET_SLUGS", ("people",))
    [assets] = build().assets
    assert "人员" in assets.title and any("孙八" in [str(v) for v in row] for row in assets.rows)


def _pdf_fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_pdf_embeds_the_cjk_font(stale_password, make_user, tmp_path):
    data, name = report_generate(make_user("auditor", name="赵强"), "pdf", assessor="赵强")
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    assert b"/FontFile2" in data  # an embedded TrueType font program
    if shutil.which("pdffonts"):
        lines = _pdf_fonts(data, tmp_path).splitlines()[2:]
        assert lines and all(" yes " in line for line in lines), lines  # every font embedded
        assert any("WenQuanYi" in line or "Noto" in line for line in lines)
    if shutil.which("pdftotext"):
        (tmp_path / "r.pdf").write_bytes(data)
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "信息安全自评估检查报告" in text and "评估人:赵强" in text
        assert STALE in text and "不符合" in text and "附表1 重要资产清单" in text
        assert re.search(r"第\s*2\s*页", text)  # page numbers


def test_xlsx_has_the_same_content(stale_password, make_user):
    data, name = report_generate(make_user("auditor"), "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:3] == ["概要", "评估项目", "相关条款"]
    assert any(s.startswith("附表1") for s in wb.sheetnames) and any(s.startswith("附表2") for s in wb.sheetnames)
    rows = list(wb["评估项目"].iter_rows(values_only=True))
    assert rows[0][:6] == ("章节", "项目", "条款", "评估标准", "现状描述", "评估结论")
    row = next(r for r in rows if r[2] == STALE)
    assert row[5] == "不符合" and row[6] == "不符合" and "qian7" in row[4]


def test_generation_is_audited_with_the_files_digest(make_user):
    data, _name = report_generate(make_user("deputy_gm"), "xlsx")
    event = AuditEvent.objects.filter(action="policy.report.generate").latest("seq")
    assert event.after["digest"] == "sm3:" + hashlib.new("sm3", data).hexdigest()
    assert event.after["format"] == "xlsx" and event.after["bytes"] == len(data)


def test_generation_needs_the_permission(make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_generate(make_user("system_admin"), "pdf")
    assert not AuditEvent.objects.filter(action="policy.report.generate").exists()


def test_page_and_download_buttons(make_user, login):
    c = login(make_user("auditor", name="赵强"))
    html = c.get("/policy/report/").content.decode()
    assert 'data-testid="download-pdf"' in html and 'href="/policy/report/self-assessment.pdf"' in html
    assert 'data-testid="item-5.1.5"' in html and "评估标准" in html
    response = c.get("/policy/report/self-assessment.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    response = c.get("/policy/report/self-assessment.xlsx")
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content))
    assert c.get("/policy/report/self-assessment.doc").status_code == 404
    assert AuditEvent.objects.filter(action="policy.report.generate").count() == 2
    assert login(make_user("system_admin")).get("/policy/report/self-assessment.pdf").status_code == 403


def test_command(tmp_path, make_user):
    make_user("auditor", name="赵强", username="auditor")
    out = tmp_path / "report.xlsx"
    call_command("report", "self-assessment", "--format", "xlsx", "--output", str(out), "--as", "auditor")
    wb = load_workbook(out)
    assert wb["概要"]["B5"].value == "赵强"  # the account's person is the assessor
    event = AuditEvent.objects.filter(action="policy.report.generate").latest("seq")
    assert event.actor_label == "auditor"
    call_command("report", "self-assessment", "--format", "pdf", "--output", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="policy.report.generate").latest("seq").actor_label.startswith("cli")


def test_missing_font_names_the_package(monkeypatch, settings):
    settings.REPORT_CJK_FONT = "/nonexistent/font.ttc"
    monkeypatch.setattr(fonts, "CANDIDATES", [])
    monkeypatch.setattr(fonts, "PATTERNS", [])
    fonts.register.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="fonts-wqy-zenhei"):
            fonts.register()
    finally:
        fonts.register.cache_clear()
