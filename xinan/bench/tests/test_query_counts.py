"""A list page's (and an API list's) query count does not grow with its rows: the registers fetch
related rows by joins, never one query per row (the load-test pages of ``make bench``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinan.org import services as org


def _queries(client, url) -> int:
    # Warm the caches (parameters, navigation) so both counts compare the same work; twice, as
    # the first request of a session marks its activity and the next one reads the session anew.
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _grow(make, n):
    for _ in range(n):
        make()


@pytest.mark.django_db
def test_people_list_page_and_api_query_count_flat(make_user, make_person, login):
    client = login(make_user("system_admin"))
    _grow(make_person, 3)
    page, api = _queries(client, reverse("registers:people_list")), _queries(client, "/api/org/people?limit=100")
    _grow(make_person, 30)
    assert _queries(client, reverse("registers:people_list")) == page
    assert _queries(client, "/api/org/people?limit=100") == api


@pytest.mark.django_db
def test_equipment_list_page_and_api_query_count_flat(make_user, make_person, login, department):
    from xinan.assets.services import equipment_create

    client = login(make_user("system_admin"))
    count = iter(range(1, 1000))

    def device():
        n = next(count)
        person = make_person()
        equipment_create(None, asset_no=f"Q{n:05d}", kind="desktop", department=department, responsible=person,
                         user=person, ip_address=f"10.9.0.{n}", mac_address=f"02-00-00-00-00-{n:02X}")

    _grow(device, 3)
    page = _queries(client, reverse("registers:equipment_list"))
    api = _queries(client, "/api/assets/equipment?limit=100")
    filtered = _queries(client, f"/api/assets/equipment?kind=desktop&department={department.pk}&limit=100")
    _grow(device, 30)
    assert _queries(client, reverse("registers:equipment_list")) == page
    assert _queries(client, "/api/assets/equipment?limit=100") == api
    assert _queries(client, f"/api/assets/equipment?kind=desktop&department={department.pk}&limit=100") == filtered
