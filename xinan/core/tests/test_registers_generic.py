"""Generic tests every register gets: pages, API, import, export, print, permissions, scope.

Like NetBox's ``ViewTestCases``: derived from the registry, so a new register is covered by
declaring it and its ``Sample``; a register without a sample fails ``test_every_register_has_a_sample``.
"""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from xinan.audit.models import AuditEvent
from xinan.audit.services import audited_write, record
from xinan.core import tables
from xinan.core.registers import registry
from xinan.core.testing import all_samples, import_rows_for, workbook_bytes
from xinan.org.models import Role

REGISTERS = registry.all()
SAMPLES = all_samples()
IDS = [r.slug for r in REGISTERS]


def test_every_register_has_a_sample():
    missing = [r.slug for r in REGISTERS if r.slug not in SAMPLES]
    assert not missing, f"registers without generic tests (add a Sample): {missing}"
    assert {"departments", "posts", "people"} <= set(SAMPLES)


def _role(code, permissions, scope="organisation"):
    with audited_write():
        role = Role(code=code, name=code, permissions=permissions, scope=scope)
        role.save()
        record(None, "org.role.create", role)
    return role


@pytest.fixture
def admin(make_user):
    _role("register_tester", ["*"])
    return make_user("register_tester")


@pytest.fixture
def admin_client(admin, login):
    return login(admin)


def _create(register, n=1, **override):
    data = SAMPLES[register.slug].make(n)
    data.update(override)
    return register.do_create(None, data)


def _post_data(register, data):
    out = {}
    for name, value in data.items():
        if value is None:
            out[name] = ""
        elif hasattr(value, "pk"):
            out[name] = value.pk
        else:
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _json_data(register, data):
    return {k: (None if v is None else w) for (k, v), w in zip(data.items(), _post_data(register, data).values())}


@pytest.mark.parametrize("register", REGISTERS, ids=IDS)
class TestRegisterViews:
    def test_list_detail_and_print(self, register, admin_client):
        obj = _create(register)
        response = admin_client.get(reverse(f"registers:{register.slug}_list"))
        assert response.status_code == 200
        assert str(obj).split("(")[0] in response.content.decode()
        assert admin_client.get(reverse(f"registers:{register.slug}_detail", args=[obj.pk])).status_code == 200
        printed = admin_client.get(reverse(f"registers:{register.slug}_print_list"))
        assert printed.status_code == 200 and str(register.form_title or register.title) in printed.content.decode()
        assert admin_client.get(reverse(f"registers:{register.slug}_print", args=[obj.pk])).status_code == 200

    def test_list_page_queries_do_not_grow_with_its_rows(self, register, admin_client):
        """A list page reads its rows in a fixed number of queries, whatever fields of them and of
        their related rows its columns show (``Register.list_fields``; issue 5)."""
        url = reverse(f"registers:{register.slug}_list")

        def rows_and_queries():
            # choices, grants and menus of this data version; twice, as the first request of a
            # session marks its activity and the next one reads the session anew
            admin_client.get(url, {"per_page": "25"})
            admin_client.get(url, {"per_page": "25"})
            tables._related_cache.clear()  # both counts read the related rows they show
            with CaptureQueriesContext(connection) as queries:
                body = admin_client.get(url).content.decode()
            return body.split("<tbody", 1)[-1].count("<tr"), len(queries)

        _create(register, 1)
        rows_one, queries_one = rows_and_queries()
        _create(register, 2), _create(register, 3)
        rows_three, queries_three = rows_and_queries()
        assert rows_three >= rows_one + 2
        assert queries_three == queries_one

    def test_api_list_queries_do_not_grow_with_its_rows(self, register, admin_client):
        """The API list reads its rows in a fixed number of queries, with or without the joins its
        labels need (``Register.str_reads_related``; issue 5)."""
        url = f"/api/{register.app_label}/{register.slug}"

        def items_and_queries():
            admin_client.get(url, {"limit": "25"})  # grants of this data version; twice, as above
            admin_client.get(url, {"limit": "25"})
            with CaptureQueriesContext(connection) as queries:
                body = admin_client.get(url, {"limit": "50"}).json()
            return body["items"], len(queries)

        _create(register, 1)
        items_one, queries_one = items_and_queries()
        _create(register, 2), _create(register, 3)
        items_three, queries_three = items_and_queries()
        assert len(items_three) >= len(items_one) + 2 and all(item["label"] for item in items_three)
        assert queries_three == queries_one

    def test_search_filter_and_sort(self, register, admin_client):
        first, second = _create(register, 1), _create(register, 2)
        url = reverse(f"registers:{register.slug}_list")
        if register.search:
            term = str(getattr(second, register.search[0]))
            body = admin_client.get(url, {"q": term}).content.decode()
            assert term in body and str(getattr(first, register.search[0])) not in body
        for column in register.columns:
            assert admin_client.get(url, {"sort": f"-{column}"}).status_code == 200
        for name in register.filters:
            assert admin_client.get(url, {name: "999999"}).status_code == 200

    def test_create_through_the_page_is_audited(self, register, admin_client):
        data = SAMPLES[register.slug].make(3)
        response = admin_client.post(reverse(f"registers:{register.slug}_add"), _post_data(register, data))
        assert response.status_code == 302, response.content.decode()[:2000]
        obj = register.model.objects.order_by("-pk").first()
        assert AuditEvent.objects.filter(action=f"{register.model._meta.label_lower}.create", subject_id=str(obj.pk)).exists()

    def test_invalid_create_shows_errors_and_writes_nothing(self, register, admin_client):
        sample = SAMPLES[register.slug]
        data = sample.make(4)
        data.update(sample.invalid)
        before = register.model.objects.count()
        response = admin_client.post(reverse(f"registers:{register.slug}_add"), _post_data(register, data))
        assert response.status_code == 400
        assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
        assert register.model.objects.count() == before

    def test_edit_and_archive(self, register, admin_client):
        sample = SAMPLES[register.slug]
        obj = _create(register, 5)
        data = sample.make(5)
        for name in register.fields:
            data[name] = getattr(obj, name)
        data[sample.text_field] = "改后名称"
        response = admin_client.post(reverse(f"registers:{register.slug}_edit", args=[obj.pk]), _post_data(register, data))
        assert response.status_code == 302, response.content.decode()[:2000]
        obj.refresh_from_db()
        assert getattr(obj, sample.text_field) == "改后名称"
        update = AuditEvent.objects.get(action=f"{register.model._meta.label_lower}.update", subject_id=str(obj.pk))
        assert update.after[sample.text_field] == "改后名称" and update.actor_label
        if register.archivable:
            if sample.before_archive:
                sample.before_archive(obj)
            admin_client.post(reverse(f"registers:{register.slug}_archive", args=[obj.pk]), {"reason": "测试"})
            obj.refresh_from_db()
            assert obj.archived_at is not None
            assert register.model.objects.filter(pk=obj.pk).exists()  # archived, never deleted

    def test_export_is_valid_xlsx_neutralised_and_audited(self, register, admin_client):
        sample = SAMPLES[register.slug]
        _create(register, 6, **{sample.text_field: "=HYPERLINK(\"http://x\")"})
        response = admin_client.get(reverse(f"registers:{register.slug}_export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.values)
        assert list(rows[0]) == [register.label(c) for c in register.columns_for_export()]
        values = [v for row in rows[1:] for v in row if isinstance(v, str)]
        assert "'=HYPERLINK(\"http://x\")" in values
        assert not any(v.startswith("=") for v in values)
        assert AuditEvent.objects.filter(action=f"{register.model._meta.label_lower}.export").exists()


@pytest.mark.parametrize("register", REGISTERS, ids=IDS)
class TestRegisterImport:
    def _upload(self, client, register, content, name="data.xlsx"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(reverse(f"registers:{register.slug}_import"),
                           {"file": SimpleUploadedFile(name, content), "reason": "批量导入"})

    def test_good_file_imports_all_rows(self, register, admin_client):
        sample = SAMPLES[register.slug]
        datas = [sample.make(10 + i) for i in range(3)]
        before = register.model.objects.count()
        response = self._upload(admin_client, register, workbook_bytes(import_rows_for(register, datas)))
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert register.model.objects.count() == before + 3
        assert AuditEvent.objects.filter(action=f"{register.model._meta.label_lower}.import").exists()

    def test_one_bad_row_rejects_the_whole_file_naming_row_and_field(self, register, admin_client):
        sample = SAMPLES[register.slug]
        datas = [sample.make(20 + i) for i in range(3)]
        rows = import_rows_for(register, datas)
        bad_field = next(iter(sample.invalid))
        column = register.importable_fields().index(bad_field)
        rows[2][column] = sample.invalid[bad_field]  # the second data row = 第3行
        before = register.model.objects.count()
        response = self._upload(admin_client, register, workbook_bytes(rows))
        assert response.status_code == 400
        body = response.content.decode()
        assert f"第3行 {register.field(bad_field).verbose_name}" in body
        assert register.model.objects.count() == before

    def test_malformed_files_are_refused(self, register, admin_client):
        sample = SAMPLES[register.slug]
        rows = import_rows_for(register, [sample.make(30)])
        before = register.model.objects.count()
        response = self._upload(admin_client, register, b"this is not a zip file")
        assert response.status_code == 400 and "不是有效的 Excel" in response.content.decode()
        column = register.importable_fields().index(sample.text_field)
        rows[1][column] = "=1+1"
        response = self._upload(admin_client, register, workbook_bytes(rows))
        assert response.status_code == 400 and "不允许公式" in response.content.decode()
        rows[1][column] = "长" * 5000
        response = self._upload(admin_client, register, workbook_bytes(rows))
        assert response.status_code == 400 and "内容过长" in response.content.decode()
        assert register.model.objects.count() == before

    def test_csv_in_gb18030_is_read(self, register, admin_client):
        from xinan.core.excel import csv_text

        sample = SAMPLES[register.slug]
        rows = import_rows_for(register, [sample.make(40)])
        content = csv_text(rows[0], rows[1:]).encode("gb18030")
        before = register.model.objects.count()
        response = self._upload(admin_client, register, content, name="data.csv")
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert register.model.objects.count() == before + 1


@pytest.mark.parametrize("register", REGISTERS, ids=IDS)
class TestRegisterApi:
    def test_crud_through_the_api(self, register, admin_client):
        base = f"/api/{register.app_label}/{register.slug}"
        sample = SAMPLES[register.slug]
        payload = _json_data(register, sample.make(50))
        response = admin_client.post(base, json.dumps(payload), content_type="application/json")
        assert response.status_code == 201, response.content
        pk = response.json()["id"]
        listed = admin_client.get(base, {"limit": 500}).json()
        assert any(item["id"] == pk for item in listed["items"])
        assert admin_client.get(f"{base}/{pk}").json()["id"] == pk
        patched = admin_client.patch(f"{base}/{pk}", json.dumps({sample.text_field: "接口改名"}),
                                     content_type="application/json")
        assert patched.status_code == 200 and patched.json()[sample.text_field] == "接口改名"
        bad = dict(payload)
        bad.update(sample.invalid)
        assert admin_client.post(base, json.dumps(bad), content_type="application/json").status_code in (400, 422)

    def test_unknown_related_id_is_a_field_error(self, register, admin_client):
        base = f"/api/{register.app_label}/{register.slug}"
        relation = next((n for n in register.fields if register.field(n).is_relation), None)
        if relation is None:
            return  # nothing to resolve: covered by test_crud_through_the_api
        payload = _json_data(register, SAMPLES[register.slug].make(51))
        payload[relation] = 987654
        response = admin_client.post(base, json.dumps(payload), content_type="application/json")
        assert response.status_code in (400, 422)
        assert relation in response.content.decode()


@pytest.mark.parametrize("register", REGISTERS, ids=IDS)
class TestRegisterPermissions:
    def test_user_without_roles_is_refused_everywhere(self, register, make_user, login):
        obj = _create(register, 60)
        client = login(make_user())  # no roles at all
        for name, args in [("list", []), ("detail", [obj.pk]), ("add", []), ("edit", [obj.pk]), ("export", []),
                           ("import", []), ("print_list", []), ("print", [obj.pk])]:
            assert client.get(reverse(f"registers:{register.slug}_{name}", args=args)).status_code == 403, name
        payload = _post_data(register, SAMPLES[register.slug].make(61))
        assert client.post(reverse(f"registers:{register.slug}_add"), payload).status_code == 403
        base = f"/api/{register.app_label}/{register.slug}"
        assert client.get(base).status_code == 403
        payload = _json_data(register, SAMPLES[register.slug].make(62))
        assert client.post(base, json.dumps(payload), content_type="application/json").status_code == 403
        assert not AuditEvent.objects.filter(action=f"{register.model._meta.label_lower}.create",
                                             actor_label=client.session.get("_auth_user_id", "x")).exists()

    def test_anonymous_is_sent_to_login(self, register, client):
        response = client.get(reverse(f"registers:{register.slug}_list"))
        assert response.status_code == 302 and "login" in response["Location"]
        assert client.get(f"/api/{register.app_label}/{register.slug}").status_code == 401

    def test_department_scope_limits_rows(self, register, make_user, login):
        if not register.department_field:
            return  # an organisation-wide register: scope does not apply
        inside, outside = _create(register, 70), _create(register, 71)
        if register.department_field == "self":
            home = inside
        else:
            home = getattr(inside, register.department_field)
        _role("scoped_viewer", [register.perm("view")], scope="department")
        from xinan.org import services

        viewer_person = services.person_create(None, employee_no="SCOPE-1", name="范围测试", department=home)
        client = login(make_user("scoped_viewer", person=viewer_person))
        body = client.get(reverse(f"registers:{register.slug}_list"), {"archived": "1"}).content.decode()
        label = register.columns[0]
        assert str(getattr(inside, label)) in body
        assert str(getattr(outside, label)) not in body
        assert client.get(reverse(f"registers:{register.slug}_detail", args=[outside.pk])).status_code == 404
