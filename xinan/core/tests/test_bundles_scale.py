"""A migration-sized bundle: 2,000 people in 40 departments load in one transaction in reasonable
time, every row through the person service with its audit event."""

import json
import time

import pytest

from xinan.audit.models import AuditEvent
from xinan.core.bundles import load_bundle
from xinan.org.models import Person

pytestmark = pytest.mark.django_db

PEOPLE = 2000
# Generous: the point is "a migration does not take an afternoon", not a benchmark; the measured
# time is printed (pytest -s) and recorded in docs/bundle.md.
LIMIT_SECONDS = 120


def test_two_thousand_people_load_in_reasonable_time(capsys):
    departments = [{"code": "HQ", "name": "总部"}] + [
        {"code": f"D{d:02d}", "name": f"分部{d}", "parent": "HQ"} for d in range(40)]
    people = [{"employee_no": f"M{n:05d}", "name": f"员工{n}", "department": f"D{n % 40:02d}",
               "phone": f"139{n:08d}", "email": f"m{n}@example.cn", "joined_on": "2020-01-01"} for n in range(PEOPLE)]
    content = json.dumps({"xinan_bundle": 1, "records": {"people": people, "departments": departments}}).encode()
    started = time.perf_counter()
    result = load_bundle(content, name="big.json")
    elapsed = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    assert Person.objects.count() == PEOPLE
    assert AuditEvent.objects.filter(action="org.person.create").count() == PEOPLE
    with capsys.disabled():
        print(f"\n[bundle] {PEOPLE} people + 41 departments loaded in {elapsed:.1f} s")
    assert elapsed < LIMIT_SECONDS
