"""A register opts in by naming workflows (``Register.workflows``): its detail page lists the
record's workflows with a 发起 button, and ``POST /api/<app>/<slug>/{pk}/workflows/{name}``
starts one; both need the register's ``change`` permission. Shown on the posts register with a
test definition whose completion hook only writes an audit event (org behaviour unchanged)."""

import json

import pytest

from xinan.audit.models import AuditEvent
from xinan.core.registers import registry
from xinan.identity import tokens
from xinan.workflows import services
from xinan.workflows.models import WorkflowInstance


@pytest.fixture
def posts(monkeypatch, install):
    install("post_review", [("approve", "approve", {"relation": "deputy_gm"})],
            on_complete="xinan.workflows.tests.hooks.completed")
    register = registry.get("posts")
    monkeypatch.setattr(register, "workflows", {"review": "post_review"})
    return register


def _bearer(user):
    _token, plaintext = tokens.token_create(user, user, "api", ["*"])
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def test_a_register_without_workflows_shows_no_panel(o, login):
    page = login(o.sysadmin).get(f"/org/posts/{o.subject.pk}/").content.decode()
    assert "审批流程" not in page and "/workflows/start/" not in page


def test_detail_page_shows_the_start_button_and_the_records_workflows(o, posts, login):
    c = login(o.sysadmin)
    page = c.get(f"/org/posts/{o.subject.pk}/").content.decode()
    start_url = f"/workflows/start/posts/{o.subject.pk}/review/"
    assert start_url in page and "发起测试流程 post_review" in page and "没有流程" in page

    assert c.get(start_url).status_code == 200
    response = c.post(start_url, {"reason": "岗位职责调整"})
    instance = WorkflowInstance.objects.get(code="post_review")
    assert response.status_code == 302 and response["Location"] == f"/workflows/{instance.pk}/"
    assert (instance.subject_id, instance.subject_label, instance.requester) == (str(o.subject.pk), str(o.subject), o.sysadmin)
    page = c.get(f"/org/posts/{o.subject.pk}/").content.decode()
    assert f"/workflows/{instance.pk}/" in page and "办理中" in page

    services.workflow_act(o.deputy, instance, "approve")
    assert AuditEvent.objects.filter(action="test.workflow.completed", subject_id=str(instance.pk)).exists()
    assert "已批准" in c.get(f"/org/posts/{o.subject.pk}/").content.decode()


def test_without_change_permission_no_button_and_no_start(o, posts, login):
    c = login(o.clerk)  # sees posts of the department, may not change them
    page = c.get(f"/org/posts/{o.subject.pk}/").content.decode()
    assert "审批流程" in page and "/workflows/start/" not in page
    assert c.get(f"/workflows/start/posts/{o.subject.pk}/review/").status_code == 403
    assert c.get(f"/workflows/start/posts/{o.subject.pk}/nope/").status_code == 404


def test_api_starts_a_registers_workflow(o, posts, client):
    url = f"/api/org/posts/{o.subject.pk}/workflows/review"
    response = client.post(url, json.dumps({"reason": "API 发起"}), content_type="application/json", **_bearer(o.sysadmin))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["definition"], body["subject_type"], body["subject_id"], body["step"]) == (
        "post_review", "org.post", str(o.subject.pk), "approve")
    again = client.post(url, json.dumps({"reason": "再次"}), content_type="application/json", **_bearer(o.sysadmin))
    assert again.status_code == 422 and "已有办理中" in again.json()["detail"]

    denied = client.post(url, json.dumps({}), content_type="application/json", **_bearer(o.clerk))
    assert denied.status_code == 403
    assert AuditEvent.objects.filter(action="workflow.refused", actor_id=o.clerk.pk, subject_type="org.post").exists()
    unknown = client.post(f"/api/org/posts/{o.subject.pk}/workflows/nope", json.dumps({}),
                          content_type="application/json", **_bearer(o.sysadmin))
    assert unknown.status_code == 404
    missing = client.post(f"/api/org/posts/999999/workflows/review", json.dumps({}),
                          content_type="application/json", **_bearer(o.sysadmin))
    assert missing.status_code == 404


def test_api_route_exists_for_a_register_without_workflows_but_names_nothing(o, client):
    response = client.post(f"/api/org/posts/{o.subject.pk}/workflows/review", json.dumps({}),
                           content_type="application/json", **_bearer(o.sysadmin))
    assert response.status_code == 404
