"""The compliance pages: permission (policy.report.view: auditor, deputy GM, security administrator;
not the system administrator), the dashboard's chart data, the clause table and a clause's detail
down to its findings and evidence, the findings list, audited Excel exports, and a query count that
does not grow with the findings. Clause: p21.1 (自评估), p10.37-b (exports recorded)."""

import io
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from xinan.audit.models import AuditEvent

from .test_dashboard import IMPLEMENTED, IMPLEMENTED_2, plant


@pytest.fixture
def auditor(make_user, login):
    return login(make_user("auditor", name="赵强"))


def _chart_data(html: str) -> dict:
    match = re.search(r'<script id="compliance-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart data is carried by json_script"
    return json.loads(match.group(1))


@pytest.mark.parametrize("role, status", [("auditor", 200), ("deputy_gm", 200), ("security_admin", 200),
                                          ("system_admin", 403), ("staff", 403)])
def test_permission(make_user, login, client, role, status):
    c = login(make_user(role))
    for url in ("/policy/", "/policy/clauses/", f"/policy/clauses/{IMPLEMENTED}/", "/policy/findings/",
                "/policy/clauses/export.xlsx", "/policy/findings/export.xlsx", "/policy/report/"):
        assert c.get(url).status_code == status, url


def test_anonymous_goes_to_login(client):
    response = client.get("/policy/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_dashboard_charts(auditor, make_department, make_person):
    sales = make_department("销售部")
    person = make_person("张三", dept=sales)
    plant(IMPLEMENTED, "violation", ("org.person", person.pk, "张三"), seen_days_ago=3)
    response = auditor.get("/policy/")
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "policy/dashboard.js" in html
    assert "<script>" not in html.replace("<script src", "")  # no inline script
    data = _chart_data(html)
    statuses = {s["code"]: s["value"] for s in data["overall"]["statuses"]}
    assert statuses["noncompliant"] == 1
    domains = data["domains"]
    i = domains["labels"].index("口令管理")
    noncompliant = next(s for s in domains["series"] if s["code"] == "noncompliant")
    assert noncompliant["data"][i] == 1 and domains["urls"][i] == "/policy/clauses/?domain=passwords"
    j = data["departments"]["labels"].index("销售部")
    assert data["departments"]["series"][0]["data"][j] == 1
    assert data["departments"]["urls"][j] == f"/policy/findings/?department={sales.pk}"
    trend = data["trend"]
    assert trend["days"][0] == (timezone.localdate() - timedelta(days=3)).isoformat()
    violations = next(s for s in trend["series"] if s["code"] == "violations")
    assert violations["data"] == [1, 1, 1, 1]


def test_clause_list_filters(auditor):
    plant(IMPLEMENTED, "violation")
    html = auditor.get("/policy/clauses/?status=noncompliant").content.decode()
    assert f'href="/policy/clauses/{IMPLEMENTED}/"' in html
    assert html.count('data-status="noncompliant"') == 1
    html = auditor.get("/policy/clauses/?domain=passwords&kind=constraint").content.decode()
    assert "p04.3-c" in html and "p01.2.1-a" not in html
    html = auditor.get("/policy/clauses/?status=missing").content.decode()
    assert 'data-status="compliant"' not in html and 'data-status="missing"' in html


def test_clause_detail_down_to_subjects_and_evidence(auditor, make_person):
    from xinan.core import parameters
    person = make_person("张三")
    plant(IMPLEMENTED, "violation", ("org.person", person.pk, "张三(E1)"),
          evidence={"password_changed_at": "2025-01-02T03:04:05+00:00", "max_age": "P15D"})
    plant(IMPLEMENTED, "violation", ("org.person", person.pk, "张三(旧)"), resolved_days_ago=1, key="old")
    html = auditor.get(f"/policy/clauses/{IMPLEMENTED}/").content.decode()
    assert "管理员口令每十五天更换" in html
    assert 'data-status="noncompliant"' in html
    assert f'href="/org/people/{person.pk}/"' in html  # from the finding to its subject
    assert "口令最后修改时间" in html and "2025-01-02 11:04" in html  # evidence read out, local time
    assert "15天(P15D)" in html
    assert "张三(旧)" in html  # resolved findings are listed too
    assert "check:p04.3-a" in html and "identity.password.admin_max_age_days" in html  # mechanisms, parameters
    assert str(parameters.get("identity.password.admin_max_age_days")) in html
    assert auditor.get("/policy/clauses/p99.nothing/").status_code == 404


def test_clause_detail_lists_attestations(auditor, make_user):
    from xinan.policy.services import attestation_create

    today = timezone.localdate()
    attestation_create(make_user("security_admin"), clause="p10.35-c", signer=make_user("staff", name="林晓燕").person,
                       statement="未向无关人员透露密码", period_start=today, period_end=today + timedelta(days=10))
    html = auditor.get("/policy/clauses/p10.35-c/").content.decode()
    assert 'data-testid="clause-attestations"' in html and "未向无关人员透露密码" in html and "林晓燕" in html


def test_finding_list_filters(auditor, make_department, make_person):
    sales = make_department("销售部")
    plant(IMPLEMENTED, "violation", ("org.person", make_person("张三", dept=sales).pk, "张三"))
    plant(IMPLEMENTED_2, "warning", ("org.person", make_person("李四").pk, "李四"))
    plant(IMPLEMENTED_2, "warning", ("org.person", make_person("王五").pk, "王五"), resolved_days_ago=1)
    html = auditor.get("/policy/findings/").content.decode()
    assert "张三" in html and "李四" in html and "王五" not in html  # open by default
    html = auditor.get(f"/policy/findings/?department={sales.pk}").content.decode()
    assert "张三" in html and "李四" not in html
    html = auditor.get("/policy/findings/?severity=warning&state=all").content.decode()
    assert "李四" in html and "王五" in html and "张三" not in html
    html = auditor.get(f"/policy/findings/?clause={IMPLEMENTED_2}&state=resolved").content.decode()
    assert "王五" in html and "李四" not in html


def test_exports_are_valid_workbooks_and_audited(auditor, make_person):
    plant(IMPLEMENTED, "violation", ("org.person", make_person("张三").pk, "=张三"),
          evidence={"max_age": "P15D"})
    response = auditor.get("/policy/findings/export.xlsx?severity=violation")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("条款", "条款标题", "严重程度")
    assert rows[1][0] == IMPLEMENTED and rows[1][5] == "'=张三"  # formula injection neutralised
    assert "更换周期:15天(P15D)" in rows[1][-1]
    event = AuditEvent.objects.filter(action="policy.export").latest("seq")
    assert event.after == {"what": "findings", "filters": {"severity": "violation", "state": "open"}, "rows": 1,
                           "format": "xlsx", "truncated": False}
    assert event.actor_label.startswith("u")

    response = auditor.get("/policy/clauses/export.xlsx?status=noncompliant")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == IMPLEMENTED and rows[1][6] == "不符合"
    assert AuditEvent.objects.filter(action="policy.export", after__what="clauses").count() == 1


def test_dashboard_queries_do_not_grow_with_findings(auditor, make_department, make_person):
    def plant_many(n, start):
        for i in range(start, start + n):
            dept = make_department(f"部门{i}")
            plant(IMPLEMENTED if i % 2 else IMPLEMENTED_2, "violation" if i % 3 else "warning",
                  ("org.person", make_person(f"人员{i}", dept=dept).pk, f"人员{i}"), seen_days_ago=i % 20, key=str(i))

    plant_many(3, 0)
    auditor.get("/policy/")  # a session's first request marks its activity (a write) ...
    auditor.get("/policy/")  # ... and the next one reads the session anew
    pages = ("/policy/", "/policy/findings/", "/policy/clauses/", f"/policy/clauses/{IMPLEMENTED}/")
    small = {}
    for url in pages:
        with CaptureQueriesContext(connection) as q:
            assert auditor.get(url).status_code == 200
        small[url] = len(q)
    plant_many(60, 3)
    auditor.get("/policy/")  # as before the first counts: what is kept between requests is read again once
    for url in pages:
        with CaptureQueriesContext(connection) as q:
            assert auditor.get(url).status_code == 200
        assert len(q) == small[url], url
    assert small["/policy/"] <= 25


def test_home_dashboard_tile(auditor, make_user, login):
    plant(IMPLEMENTED, "violation")
    html = auditor.get("/").content.decode()
    assert 'data-testid="compliance-percent"' in html and 'href="/policy/"' in html
    assert "尚未启用" not in html.split('data-testid="card-compliance"')[1].split('data-testid="card-tasks"')[0]
    html = login(make_user("system_admin")).get("/").content.decode()
    assert 'data-testid="card-compliance"' not in html  # no policy.report.view: no compliance figures
