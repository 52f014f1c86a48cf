"""待我审批: only what the user may act on now, in a constant number of queries; the pages and
the API (inbox, instance, act)."""

import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinan.audit.models import AuditEvent
from xinan.identity import tokens
from xinan.org import services as org
from xinan.workflows import rules, selectors, services


def _queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


_n = itertools.count(1)


def _subjects(n):
    return [org.post_create(None, code=f"P-Q{next(_n)}", name="岗位", duties="测试") for _ in range(n)]


def test_inbox_shows_only_actionable_items(o, start):
    a, b = start(), start("transfer_with_deputy_gm", actor=o.sysadmin)
    assert list(selectors.inbox(o.head)) == [a]
    assert list(selectors.inbox(o.deputy)) == [b]
    assert list(selectors.inbox(o.requester)) == [] and list(selectors.inbox(o.other_head)) == []
    services.workflow_act(o.head, a, "approve")
    assert list(selectors.inbox(o.head)) == []
    assert set(selectors.inbox(o.deputy)) == {a, b}
    services.workflow_cancel(o.requester, a)
    assert list(selectors.inbox(o.deputy)) == [b]


def test_inbox_query_count_does_not_grow_with_items(o, start):
    for s in _subjects(1):
        start(subject=s)

    def count():
        list(selectors.inbox(o.head))

    rules.forget(o.head)
    few = _queries(count)
    for s in _subjects(8):
        start(subject=s)
    rules.forget(o.head)
    many = _queries(count)
    assert many == few <= 3
    assert len(selectors.inbox(o.head)) == 9


def test_inbox_page_constant_queries(o, start, login, client):
    c = login(o.deputy)
    for s in _subjects(1):
        instance = start(subject=s)
        services.workflow_act(o.head, instance, "approve")
    c.get("/workflows/")  # the first request of a session writes to it, the next reads it anew;
    c.get("/workflows/")  # measure the ones after
    few = _queries(lambda: c.get("/workflows/"))
    for s in _subjects(6):
        instance = start(subject=s)
        services.workflow_act(o.head, instance, "approve")
    response = c.get("/workflows/")
    many = _queries(lambda: c.get("/workflows/"))
    assert response.status_code == 200 and many == few
    page = response.content.decode()
    assert page.count('name="decision" value="approve"') == 7 and "两级审批" in page


def test_act_from_the_inbox_page_with_comment_and_file(o, start, login):
    instance = start()
    c = login(o.head)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = c.post(f"/workflows/{instance.pk}/act/", {
        "decision": "approve", "comment": "同意", "next": "inbox",
        "file": SimpleUploadedFile("意见.pdf", b"%PDF-1.4 ok", content_type="application/pdf")})
    assert response.status_code == 302 and response["Location"] == "/workflows/"
    instance.refresh_from_db()
    assert instance.current_step.code == "deputy_gm" and instance.attachments.count() == 1

    response = login(o.clerk).post(f"/workflows/{instance.pk}/act/", {"decision": "approve"}, follow=True)
    assert "不是「副总经理审批」的办理人" in response.content.decode()


def test_instance_page_shows_the_timeline(o, start, login):
    instance = start(reason="申请说明")
    services.workflow_act(o.head, instance, "approve", "部门同意", files=[("a.txt", "材料".encode())])
    page = login(o.requester).get(f"/workflows/{instance.pk}/").content.decode()
    for text in ("申请说明", "部门负责人审批", "部门同意", "a.txt", "副总经理审批", "待办理", o.deputy.person.name, "撤销"):
        assert text in page, text
    assert login(o.other_head).get(f"/workflows/{instance.pk}/").status_code == 404
    assert login(o.auditor).get(f"/workflows/{instance.pk}/").status_code == 200  # workflows.instance.view


def test_tabs_mine_handled_overdue(o, start, login):
    instance = start()
    services.workflow_act(o.head, instance, "approve")
    assert "#%d" % instance.pk in login(o.requester).get("/workflows/?tab=mine").content.decode()
    assert "#%d" % instance.pk in login(o.head).get("/workflows/?tab=handled").content.decode()
    assert "超期未办" not in login(o.head).get("/workflows/?tab=overdue").content.decode()
    assert "超期未办" in login(o.auditor).get("/workflows/?tab=overdue").content.decode()


def test_menu_has_the_inbox_for_everyone(o, login):
    page = login(o.clerk).get("/").content.decode()
    assert 'href="/workflows/"' in page and "待我审批" in page


def _bearer(user, scopes=("*",)):
    _token, plaintext = tokens.token_create(user, user, "api", list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_api_inbox_detail_and_act(o, start, client):
    instance = start(reason="API 申请")
    response = client.get("/api/workflows/inbox", **_bearer(o.head))
    assert response.status_code == 200
    [item] = response.json()
    assert (item["id"], item["definition"], item["step"], item["decisions"]) == (
        instance.pk, "two_step_approval", "department_head", ["approve", "reject"])
    assert client.get("/api/workflows/inbox", **_bearer(o.deputy)).json() == []

    refused = client.post(f"/api/workflows/instances/{instance.pk}/act", json.dumps({"decision": "approve"}),
                          content_type="application/json", **_bearer(o.clerk))
    assert refused.status_code == 403 and "办理人" in refused.json()["detail"]
    assert AuditEvent.objects.filter(action="workflow.refused", actor_id=o.clerk.pk).exists()

    done = client.post(f"/api/workflows/instances/{instance.pk}/act",
                       json.dumps({"decision": "approve", "comment": "同意"}), content_type="application/json",
                       **_bearer(o.head))
    assert done.status_code == 200 and done.json()["step"] == "deputy_gm"
    bad = client.post(f"/api/workflows/instances/{instance.pk}/act", json.dumps({"decision": "sign"}),
                      content_type="application/json", **_bearer(o.deputy))
    assert bad.status_code == 422

    detail = client.get(f"/api/workflows/instances/{instance.pk}", **_bearer(o.requester)).json()
    assert [(a["step"], a["decision"], a["comment"]) for a in detail["actions"]] == [
        ("request", "start", "API 申请"), ("department_head", "approve", "同意")]
    assert client.get(f"/api/workflows/instances/{instance.pk}", **_bearer(o.other_head)).status_code == 404


def test_api_comment_cancel_attach_and_definitions(o, start, client):
    instance = start()
    r = client.post(f"/api/workflows/instances/{instance.pk}/act", json.dumps({"decision": "comment", "comment": "补充"}),
                    content_type="application/json", **_bearer(o.requester))
    assert r.status_code == 200 and r.json()["state"] == "running"
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(f"/api/workflows/instances/{instance.pk}/attachments",
                    {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7"), "comment": "材料"}, **_bearer(o.requester))
    assert r.status_code == 201 and r.json()["name"] == "a.pdf"
    r = client.post(f"/api/workflows/instances/{instance.pk}/attachments",
                    {"file": SimpleUploadedFile("a.exe", b"MZ")}, **_bearer(o.requester))
    assert r.status_code == 422
    r = client.post(f"/api/workflows/instances/{instance.pk}/cancel", json.dumps({"reason": "撤"}),
                    content_type="application/json", **_bearer(o.head))
    assert r.status_code == 403
    r = client.post(f"/api/workflows/instances/{instance.pk}/cancel", json.dumps({"reason": "撤"}),
                    content_type="application/json", **_bearer(o.requester))
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    codes = [d["code"] for d in client.get("/api/workflows/definitions", **_bearer(o.clerk)).json()]
    assert "two_step_approval" in codes and "transfer_with_deputy_gm" in codes


@pytest.mark.parametrize("path", ["/workflows/", "/api/workflows/inbox"])
def test_anonymous_is_refused(client, path):
    response = client.get(path)
    assert response.status_code in (302, 401)
