"""The security auditor's pages and API (p08.13.3-a): list with filters and keyset pages, detail
with hash links, chain status, audited Excel export; the system administrator is refused on
every one of them (三员分立, p08.10.4-a)."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record


@pytest.fixture
def events(make_events):
    make_events(30, action="test.bulk")
    with audited_write():
        record("alice", "org.person.update", ("org.person", 7, "=HYPERLINK(\"http://evil\")"),
               before={"name": "hmac-sm3:aa"}, after={"name": "hmac-sm3:bb"}, reason="+调岗")
        record("bob", "identity.login", ("identity.user", 3, "bob"))
    return AuditEvent.objects.order_by("-seq")[:2]


def test_auditor_sees_the_list(auditor_client, events):
    response = auditor_client.get(reverse("audit:event_list"), {"size": 25})
    assert response.status_code == 200
    body = response.content.decode()
    assert "identity.login" in body and "org.person.update" in body
    assert "rel=\"next\"" in body and "rel=\"prev\"" not in body  # 32+ events, 25 a page


@pytest.mark.parametrize("params, expected, unexpected", [
    ({"action": "org.person."}, ["org.person.update"], ["identity.login", "test.bulk"]),
    ({"actor": "bob"}, ["identity.login"], ["org.person.update"]),
    ({"subject_type": "org.person", "subject_id": "7"}, ["org.person.update"], ["identity.login"]),
    ({"q": "HYPERLINK"}, ["org.person.update"], ["identity.login"]),
    ({"action": "test.", "q": "物件29"}, ["物件29"], ["物件28"]),
])
def test_filters(auditor_client, events, params, expected, unexpected):
    body = auditor_client.get(reverse("audit:event_list"), params).content.decode()
    for text in expected:
        assert text in body
    for text in unexpected:
        assert text not in body


def test_time_filter_and_invalid_range(auditor_client, events):
    newest = events[0]
    body = auditor_client.get(reverse("audit:event_list"), {"at_from": "2000-01-01T00:00", "at_to": "2000-01-02T00:00"}).content.decode()
    assert "identity.login" not in body
    body = auditor_client.get(reverse("audit:event_list"), {"at_from": "2000-01-02T00:00", "at_to": "2000-01-01T00:00"}).content.decode()
    assert "identity.login" not in body and "截止时间须晚于起始时间" in body
    assert newest.action == "identity.login"


def test_keyset_pages_walk_forward_and_back(auditor_client, events):
    url = reverse("audit:event_list")
    first = auditor_client.get(url, {"action": "test.bulk", "size": 25}).content.decode()
    seqs_first = [int(s) for s in re.findall(r'/audit/events/(\d+)/', first)]
    assert len(seqs_first) == 25 and seqs_first == sorted(seqs_first, reverse=True)
    before = re.search(r'before=(\d+)', first).group(1)
    second = auditor_client.get(url, {"action": "test.bulk", "size": 25, "before": before}).content.decode()
    seqs_second = [int(s) for s in re.findall(r'/audit/events/(\d+)/', second)]
    assert len(seqs_second) == 5 and max(seqs_second) < min(seqs_first)
    assert "rel=\"next\"" not in second
    after = re.search(r'after=(\d+)', second).group(1)
    back = auditor_client.get(url, {"action": "test.bulk", "size": 25, "after": after}).content.decode()
    assert [int(s) for s in re.findall(r'/audit/events/(\d+)/', back)] == seqs_first


def test_list_does_not_count_the_table(auditor_client, events, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        auditor_client.get(reverse("audit:event_list"), {"before": events[1].seq})
    assert not any("COUNT(" in q["sql"].upper() and "audit_auditevent" in q["sql"] for q in queries)


def test_detail_shows_images_and_hash_links(auditor_client, events):
    event = events[1]
    response = auditor_client.get(reverse("audit:event_detail", args=[event.seq]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "hmac-sm3:aa" in body and "hmac-sm3:bb" in body
    assert event.hash in body and event.prev_hash in body
    assert "本事件校验通过" in body
    assert auditor_client.get(reverse("audit:event_detail", args=[10**9])).status_code == 404


def test_status_page_and_verify_button(auditor_client, events):
    from xinan.audit.checkpoints import checkpoint_create

    body = auditor_client.get(reverse("audit:status")).content.decode()
    assert "从未校验" in body and "尚无检查点" in body
    checkpoint = checkpoint_create()
    body = auditor_client.get(reverse("audit:status")).content.decode()
    assert f"#{checkpoint.seq}" in body and "有效" in body and "无效" not in body
    response = auditor_client.post(reverse("audit:verify"), follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "审计链完整" in body
    assert AuditEvent.objects.order_by("-seq").first().action == "audit.verify"


def test_export_is_valid_neutralised_and_audited(auditor_client, auditor, events):
    response = auditor_client.get(reverse("audit:export"), {"action": "org.person.upd"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and len(rows) == 2
    data = dict(zip(rows[0], rows[1]))
    assert data["对象"] == "'=HYPERLINK(\"http://evil\")"  # not a formula
    assert data["原因"] == "'+调岗"
    assert data["动作"] == "org.person.update" and "hmac-sm3:bb" in data["变更后"]
    assert response["X-Export-Rows"] == "1" and response["X-Export-Truncated"] == "0"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "audit.export" and event.actor_id == auditor.pk
    assert event.after["filters"] == {"action": "org.person.upd"} and event.after["rows"] == 1
    assert "org.person.upd" in event.reason


def test_export_cap_adds_a_note(auditor_client, events, monkeypatch):
    from xinan.audit import views

    monkeypatch.setattr(views, "EXPORT_LIMIT", 10)
    response = auditor_client.get(reverse("audit:export"), {"action": "test.bulk"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 10 + 1 and "truncated" in rows[-1][0]
    assert response["X-Export-Truncated"] == "1"
    assert AuditEvent.objects.order_by("-seq").first().after["truncated"] is True


@pytest.mark.parametrize("name, args, method", [
    ("audit:event_list", [], "get"), ("audit:event_detail", [1], "get"), ("audit:export", [], "get"),
    ("audit:status", [], "get"), ("audit:verify", [], "post"),
])
def test_system_admin_is_refused_everywhere(admin_client, events, name, args, method):
    before = AuditEvent.objects.count()
    response = getattr(admin_client, method)(reverse(name, args=args))
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before  # nothing exported or verified


def test_anonymous_is_sent_to_login(client, events):
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 302 and reverse("identity:login") in response["Location"]


def test_no_route_edits_or_deletes_events(auditor_client, events):
    seq = events[0].seq
    assert auditor_client.post(reverse("audit:event_detail", args=[seq])).status_code == 405
    assert auditor_client.delete(reverse("audit:event_detail", args=[seq])).status_code == 405
    assert auditor_client.delete(f"/api/audit/events/{seq}").status_code == 405


def test_api_lists_with_filters_and_keyset(auditor_client, events):
    response = auditor_client.get("/api/audit/events", {"action": "test.bulk", "limit": 20})
    assert response.status_code == 200, response.content
    page = response.json()
    assert len(page["items"]) == 20 and page["next_before"] == page["items"][-1]["seq"]
    more = auditor_client.get("/api/audit/events", {"action": "test.bulk", "limit": 20, "before": page["next_before"]}).json()
    assert len(more["items"]) == 10 and more["next_before"] is None and more["previous_after"] is not None
    one = auditor_client.get(f"/api/audit/events/{events[1].seq}").json()
    assert one["after"] == {"name": "hmac-sm3:bb"} and one["hash"] == events[1].hash
    status = auditor_client.get("/api/audit/status").json()
    assert status["head_seq"] == events[0].seq


def test_api_refuses_the_system_admin(admin_client, events):
    assert admin_client.get("/api/audit/events").status_code == 403
    assert admin_client.get(f"/api/audit/events/{events[0].seq}").status_code == 403
    assert admin_client.get("/api/audit/status").status_code == 403
