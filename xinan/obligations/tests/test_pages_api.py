"""Pages (我的待办 with the evidence picker, 全部任务, 通知), the menu, and the REST API
(``GET /api/tasks``, ``POST /api/tasks/{id}/complete``), with constant queries over 10 and 100
tasks."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xinan.audit.services import audited_write
from xinan.identity import tokens
from xinan.obligations.models import Notification, Task
from xinan.obligations.registry import obligation
from xinan.obligations.services import tasks_escalate, tasks_generate

REVIEW = "p15.2.11.access_review"


@pytest.fixture
def review(make_user):
    secadmin = make_user("security_admin", name="安全管理员")
    tasks_generate(only=[REVIEW])
    return secadmin, Task.objects.get(obligation=REVIEW)


def test_my_tasks_and_completion_by_comment(review, make_user, login):
    secadmin, task = review
    staff_page = login(make_user("staff")).get(reverse("obligations:my_tasks")).content.decode()
    assert "检查用户访问与授权情况" not in staff_page
    client = login(secadmin)
    page = client.get(reverse("obligations:my_tasks")).content.decode()
    assert "检查用户访问与授权情况" in page and reverse("obligations:task_detail", args=[task.pk]) in page
    detail = client.get(reverse("obligations:task_detail", args=[task.pk]))
    assert detail.status_code == 200 and 'name="comment"' in detail.content.decode()
    assert client.post(reverse("obligations:task_detail", args=[task.pk]), {"comment": ""}).status_code == 400
    response = client.post(reverse("obligations:task_detail", args=[task.pk]), {"comment": "核查完毕,无异常授权"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.done_by == secadmin


def test_evidence_picker_lists_only_visible_records(make_user, make_person, make_department, login):
    @obligation("test.roster", clauses=["p21.5.1.1"], cadence="P1M", assignee={"role": "staff"},
                evidence_register="people", title="核对人员名册", title_en="Check the roster")
    def roster(ctx, tasks):
        return {}

    ours, theirs = make_department("信息科"), make_department("财务部")
    clerk = make_user("staff", dept=ours, name="办事员")
    mine, foreign = make_person("王五", dept=ours), make_person("赵六", dept=theirs)
    tasks_generate(only=["test.roster"])
    task = Task.objects.get(obligation="test.roster")
    client = login(clerk)
    page = client.get(reverse("obligations:task_detail", args=[task.pk])).content.decode()
    assert f'value="{mine.pk}"' in page and f'value="{foreign.pk}"' not in page
    assert client.post(reverse("obligations:task_detail", args=[task.pk]), {"evidence": foreign.pk}).status_code == 400
    assert client.post(reverse("obligations:task_detail", args=[task.pk]), {"evidence": mine.pk}).status_code == 302
    assert Task.objects.get(pk=task.pk).evidence_id == str(mine.pk)


def test_someone_elses_task_is_not_found(review, make_user, login):
    _secadmin, task = review
    client = login(make_user("staff"))
    assert client.get(reverse("obligations:task_detail", args=[task.pk])).status_code == 404
    assert client.post(reverse("obligations:task_detail", args=[task.pk]), {"comment": "x"}).status_code == 404


def test_all_tasks_for_the_security_administrator_with_filters(review, make_user, login):
    secadmin, task = review
    assert login(make_user("staff")).get(reverse("obligations:all_tasks")).status_code == 403
    client = login(secadmin)
    url, link = reverse("obligations:all_tasks"), reverse("obligations:task_detail", args=[task.pk])
    assert link in client.get(url).content.decode()
    assert link not in client.get(url, {"status": "done"}).content.decode()
    assert link not in client.get(url, {"overdue": "on"}).content.decode()
    tasks_escalate(task.due_at + timedelta(minutes=1))
    page = client.get(url, {"overdue": "on", "obligation": REVIEW}).content.decode()
    assert link in page and "已逾期" in page
    assert link not in client.get(url, {"obligation": "p10.38-b.departed_accounts"}).content.decode()


def test_notifications_page_and_mark_read(review, login):
    secadmin, task = review
    tasks_escalate(task.due_at + timedelta(days=10))  # no department head: both levels reach the secadmin
    client = login(secadmin)
    page = client.get(reverse("obligations:notifications")).content.decode()
    assert "已于" in page and "逾期" in page
    assert Notification.objects.filter(recipient=secadmin.person, read_at__isnull=True).count() == 2
    client.post(reverse("obligations:notifications_read"))
    assert not Notification.objects.filter(recipient=secadmin.person, read_at__isnull=True).exists()
    follow = client.get(reverse("obligations:my_tasks")).content.decode()
    assert "需我督办" in follow


def test_menu_items(review, make_user, login):
    secadmin, _task = review
    page = login(secadmin).get(reverse("core:dashboard")).content.decode()
    assert reverse("obligations:my_tasks") in page and reverse("obligations:all_tasks") in page
    staff = login(make_user("staff"), the_client=None)
    page = staff.get(reverse("core:dashboard")).content.decode()
    assert reverse("obligations:all_tasks") not in page


def api(user):
    """A client calling the API with the user's personal token."""
    from django.test import Client

    _token, plaintext = tokens.token_create(user, user, "test", ["*"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def test_api_list_and_complete(review, make_user):
    secadmin, task = review
    client = api(secadmin)
    mine = client.get("/api/tasks").json()
    assert [t["id"] for t in mine] == [task.pk] and mine[0]["assignee_role"] == "security_admin"
    assert client.get("/api/tasks", {"scope": "all", "status": "pending"}).json()[0]["obligation"] == REVIEW
    assert client.post(f"/api/tasks/{task.pk}/complete", json.dumps({"comment": ""}),
                       content_type="application/json").status_code == 422
    staff = api(make_user("staff"))
    assert staff.get("/api/tasks", {"scope": "all"}).status_code == 403
    assert staff.post(f"/api/tasks/{task.pk}/complete", json.dumps({"comment": "我来"}),
                      content_type="application/json").status_code == 403
    done = client.post(f"/api/tasks/{task.pk}/complete", json.dumps({"comment": "已检查"}), content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["done_by"] == secadmin.username


def test_api_evidence_by_id(make_user, make_department, make_person):
    @obligation("test.roster", clauses=["p21.5.1.1"], cadence="P1M", assignee={"role": "staff"},
                evidence_register="people", title="核对人员名册", title_en="Check the roster")
    def roster(ctx, tasks):
        return {}

    ours = make_department("信息科")
    clerk = make_user("staff", dept=ours)
    tasks_generate(only=["test.roster"])
    task = Task.objects.get(obligation="test.roster")
    client = api(clerk)
    url = f"/api/tasks/{task.pk}/complete"
    assert client.post(url, json.dumps({"evidence_id": "999999"}), content_type="application/json").status_code == 422
    assert client.post(url, json.dumps({"evidence_id": "abc"}), content_type="application/json").status_code == 422
    record = make_person("钱七", dept=ours)
    response = client.post(url, json.dumps({"evidence_id": str(record.pk)}), content_type="application/json")
    assert response.status_code == 200 and response.json()["evidence"] == str(record)


def _bulk(n, person, role):
    now = timezone.now()
    with audited_write():
        Task.objects.bulk_create([Task(obligation="test.bulk", clause="p04.2", title_zh=f"任务{i}", title_en=f"task {i}",
                                       assignee_person=person if i % 2 else None, assignee_role=None if i % 2 else role,
                                       department=person.department, scope_key=f"bulk:{i}",
                                       period_start=now, due_at=now + timedelta(days=i % 3 - 1), remind_at=now,
                                       created_at=now) for i in range(n)])


def test_pages_and_api_queries_constant_over_10_and_100_tasks(review, login):
    secadmin, _task = review
    client = login(secadmin)
    token_client = api(secadmin)
    role = secadmin.person.role_assignments.get().role
    urls = [reverse("obligations:my_tasks"), reverse("obligations:all_tasks"), "/api/tasks?limit=500",
            "/api/tasks?scope=all&limit=500", reverse("obligations:notifications")]

    token_client.get(urls[2])  # the token's first use notes it (a write); later uses within the minute do not
    client.get(urls[0])  # so does a session's first request, and the next one reads the session anew
    client.get(urls[0])

    def measure(n):
        Task.objects.filter(obligation="test.bulk").delete()
        _bulk(n, secadmin.person, role)
        counts = []
        for url in urls:
            caller = token_client if url.startswith("/api/") else client
            caller.get(url)  # warm the per-process caches (menu URLs, content types)
            with CaptureQueriesContext(connection) as ctx:
                assert caller.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    assert measure(10) == measure(100)
