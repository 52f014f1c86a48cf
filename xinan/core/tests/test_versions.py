"""Data versions and the caches built on them (``xinan.core.versions``): a cached page, count,
filter option, parameter or role grant is never served after the data it was built from changed,
whoever changed it and however (service, ``QuerySet.update``, raw SQL, a rolled-back write)."""

import json

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinan.audit.services import audited_write
from xinan.core import parameters, versions
from xinan.core.versions import VersionedCache
from xinan.org import permissions, services
from xinan.org.models import Department, Person, RoleAssignment


def _token(table):
    return versions.tokens(table)[0]


@pytest.mark.django_db
def test_every_kind_of_write_changes_the_tables_token_and_only_its_token(department):
    before, other = _token("org_department"), _token("org_post")
    services.department_create(None, code="D-NEW", name="新部门")  # a service
    after_insert = _token("org_department")
    with audited_write():
        Department.objects.filter(code="D-NEW").update(name="改名")  # QuerySet.update, no signals
    after_update = _token("org_department")
    with connection.cursor() as cursor:  # plain SQL
        cursor.execute("UPDATE org_department SET description = 'x' WHERE code = 'D-NEW'")
    after_sql = _token("org_department")
    assert len({before, after_insert, after_update, after_sql}) == 4
    assert _token("org_post") == other


@pytest.mark.django_db
def test_a_rolled_back_write_restores_the_token_and_the_cache_serves_the_old_rows(department):
    cache = VersionedCache()

    def names():
        return cache.get_or_build("names", lambda: sorted(Department.objects.values_list("name", flat=True)))

    assert names() == ["总公司"]
    token = _token("org_department")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.department_create(None, code="D-TMP", name="临时")
        assert names() == ["临时", "总公司"]  # the writer sees its own write, not the cached list
        raise RuntimeError
    assert _token("org_department") == token
    assert names() == ["总公司"]


@pytest.mark.django_db
def test_an_entry_depends_on_the_tables_its_queries_named(department, make_person):
    cache = VersionedCache()
    calls = []

    def build():
        calls.append(1)
        return list(Person.objects.select_related("department").values_list("name", "department__name"))

    make_person(name="甲")
    assert cache.get_or_build("k", build) == [("甲", "总公司")]
    cache.get_or_build("k", build)
    assert len(calls) == 1  # served from the cache
    services.department_create(None, code="D-X", name="无关部门")  # department table: read by the join
    cache.get_or_build("k", build)
    assert len(calls) == 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_post SET name = name")  # a table the build never read
    cache.get_or_build("k", build)
    assert len(calls) == 2


@pytest.mark.django_db
def test_an_entry_read_from_an_untracked_table_is_never_stored(department):
    cache = VersionedCache()
    calls = []

    def build():
        calls.append(1)
        with connection.cursor() as cursor:
            cursor.execute('SELECT COUNT(*) FROM "audit_auditevent"')  # the audit chain has no token
            return cursor.fetchone()[0]

    cache.get_or_build("k", build)
    cache.get_or_build("k", build)
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_nested_hit_passes_its_tables_to_the_outer_entry(department):
    inner, outer = VersionedCache(), VersionedCache()

    def departments():
        return inner.get_or_build("d", lambda: list(Department.objects.values_list("name", flat=True)))

    departments()  # the inner entry exists; the outer build below runs no department query itself
    calls = []
    outer.get_or_build("o", lambda: calls.append(1) or departments())
    services.department_create(None, code="D-Y", name="又一个")
    assert outer.get_or_build("o", lambda: calls.append(1) or departments()) == ["总公司", "又一个"]
    assert len(calls) == 2


@pytest.mark.django_db
def test_install_gives_every_tracked_table_a_fresh_token(department):
    """After a migrate (which may rebuild a table and drop its triggers on SQLite), nothing cached
    before survives."""
    before = versions.snapshot()
    versions.install()
    after = versions.snapshot()
    assert set(before) == set(after) and "assets_equipment" in after and "audit_auditevent" not in after
    assert all(before[t] != after[t] for t in before)


@pytest.mark.django_db
def test_a_parameter_change_is_seen_at_once():
    """p04.1-b: the idle timeout the session rules read is the one just set, in the next request
    (where parameters come from the cache) and outside requests (read by key)."""
    from xinan.identity import parameters as p

    def in_a_request(read):
        reset = versions._request_tokens.set(versions._LazyTokens())
        try:
            return read()
        finally:
            versions._request_tokens.reset(reset)

    default = in_a_request(lambda: parameters.get(p.IDLE_MINUTES))
    assert in_a_request(lambda: parameters.get(p.IDLE_MINUTES)) == default  # now cached
    parameters.parameter_set(None, p.IDLE_MINUTES, default + 7)
    assert in_a_request(lambda: parameters.get(p.IDLE_MINUTES)) == default + 7
    assert parameters.get(p.IDLE_MINUTES) == default + 7


@pytest.mark.django_db
def test_a_revoked_role_stops_at_the_next_request(make_user, login):
    user = make_user("system_admin")
    client = login(user)
    assert client.get("/assets/equipment/").status_code == 200
    assignment = RoleAssignment.objects.get(person=user.person, role__code="system_admin", status="active")
    services.role_revoke(None, assignment, reason="调岗")
    permissions.forget(user)
    assert client.get("/assets/equipment/").status_code == 403


@pytest.mark.django_db
def test_list_page_and_api_show_a_change_made_after_they_were_cached(make_user, login, department):
    """The first page and the API list are cached; an edit, a new row and a new department (the
    filter's options) all show at the next request."""
    from xinan.assets.models import Equipment
    from xinan.assets.services import equipment_create, equipment_update
    from xinan.identity.tokens import token_create

    user = make_user("system_admin")
    client = login(user)
    device = equipment_create(user, asset_no="ZC-0001", kind="desktop", brand_model="旧型号", department=department)
    page = client.get("/assets/equipment/").content.decode()
    assert "旧型号" in page and "共 1 条" in page
    with CaptureQueriesContext(connection) as again:
        assert "旧型号" in client.get("/assets/equipment/").content.decode()
    assert not [q for q in again.captured_queries if "assets_equipment" in q["sql"]]  # served from the cache
    _token_obj, plaintext = token_create(None, user, "t", ["assets.equipment.view"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.get("/api/assets/equipment?limit=50").json()["items"][0]["brand_model"] == "旧型号"

    equipment_update(user, Equipment.objects.get(pk=device.pk), brand_model="新型号")
    equipment_create(user, asset_no="ZC-0002", kind="laptop", brand_model="第二台", department=department)
    services.department_create(None, code="D-NEWF", name="新设部门")
    page = client.get("/assets/equipment/").content.decode()
    assert "新型号" in page and "旧型号" not in page and "第二台" in page and "共 2 条" in page
    assert "新设部门" in page  # the department filter's options
    body = api.get("/api/assets/equipment?limit=50").json()
    assert body["count"] == 2 and {i["brand_model"] for i in body["items"]} == {"新型号", "第二台"}


@pytest.mark.django_db
def test_users_with_different_reach_never_share_a_cached_page(make_department, make_person, make_user, login):
    """Two department heads see their own departments' devices, whichever asked first."""
    from xinan.assets.services import equipment_create

    admin = make_user("system_admin")
    a, b = make_department("甲部门"), make_department("乙部门")
    equipment_create(admin, asset_no="ZC-A", kind="desktop", brand_model="甲的电脑", department=a)
    equipment_create(admin, asset_no="ZC-B", kind="desktop", brand_model="乙的电脑", department=b)
    head_a = make_user("department_head", person=make_person(name="甲主任", dept=a))
    head_b = make_user("department_head", person=make_person(name="乙主任", dept=b))
    page_a = login(head_a, Client()).get("/assets/equipment/").content.decode()
    page_b = login(head_b, Client()).get("/assets/equipment/").content.decode()
    assert "甲的电脑" in page_a and "乙的电脑" not in page_a
    assert "乙的电脑" in page_b and "甲的电脑" not in page_b


@pytest.mark.django_db
def test_the_cached_api_list_is_the_body_the_schema_gives(make_user, department):
    """The cached body is the validated page: the same keys, types and values as the schema."""
    from xinan.assets.services import equipment_create
    from xinan.identity.tokens import token_create

    user = make_user("system_admin")
    equipment_create(user, asset_no="ZC-0001", kind="desktop", brand_model="型号", department=department)
    _t, plaintext = token_create(None, user, "t", ["assets.equipment.view"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    first, second = (api.get("/api/assets/equipment?limit=10") for _ in range(2))
    assert first["Content-Type"].startswith("application/json") and first.content == second.content
    item = json.loads(first.content)["items"][0]
    assert item["asset_no"] == "ZC-0001" and item["department_id"] == department.pk and "label" in item


@pytest.mark.django_db
def test_a_bad_api_filter_is_refused_every_time_and_never_cached(make_user, department):
    from xinan.identity.tokens import token_create

    user = make_user("system_admin")
    _t, plaintext = token_create(None, user, "t", ["assets.equipment.view"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    for _ in range(2):
        response = api.get("/api/assets/equipment?department=999999&limit=5")
        assert response.status_code == 422 and "department" in response.content.decode()
