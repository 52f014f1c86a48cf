"""Samples for the generic register tests of 合规声明 (attestations)."""

import itertools
from datetime import date

from xinan.core.testing import Sample
from xinan.org import services as org

_n = itertools.count(1)
# Clauses evidenced by an attestation (none a substring of another, for the search test).
CLAUSES = ["p06.4", "p15.7.14", "p19.4.1", "p27.2.11", "p29.7", "p03.5.1", "p07.7-b", "p11.2.1.5"]


def _signer():
    n = next(_n)
    department = org.department_create(None, code=f"S-AT{n:04d}", name=f"声明部门{n}")
    return org.person_create(None, employee_no=f"AT{n:05d}", name=f"声明人{n}", department=department)


def make_attestation(n):
    return {"clause": CLAUSES[n % len(CLAUSES)], "signer": _signer(), "statement": f"本期间内遵守该条款{n}",
            "evidence": "巡查记录", "period_start": date(2025, 1, 1), "period_end": date(2025, 6, 30)}


SAMPLES = {
    "attestations": Sample(make=make_attestation, text_field="statement", invalid={"clause": "p99.9"}),
}
