"""The catalogue copy: 801 entries, the seed's fields, unchanged from the seed."""

from pathlib import Path

import pytest
import yaml

from xinan.policy import catalogue
from xinan.policy.catalogue import KINDS, Clause

SEED = Path("/work/shared/seed/clauses.yaml")


def test_801_clauses_with_all_fields():
    cat = catalogue.load()
    assert len(cat) == 801
    assert len(set(cat.ids())) == 801
    clause = cat.get("p04.3-a")
    assert isinstance(clause, Clause)
    assert clause.title == "管理员口令每十五天更换"
    assert clause.domain == "passwords" and clause.kind == "recurring"
    assert dict(clause.params) == {"cadence": "P15D"}
    assert clause.text.startswith("对网络(内部信息平台)管理员")
    assert {c.kind for c in cat} == set(KINDS)


def test_loaded_once():
    assert catalogue.load() is catalogue.load()


def test_attestation_entries_follow_the_check_field():
    cat = catalogue.load()
    attested = [c.id for c in cat if c.attestation_only]
    assert len(attested) == 103
    assert cat.get("p10.35-c").attestation_only and not cat.get("p04.3-a").attestation_only


def test_patterns():
    cat = catalogue.load()
    assert cat.match("p10.40.*") == ["p10.40.1", "p10.40.2", "p10.40.3", "p10.40.4", "p10.40.5", "p10.40.6"]
    assert cat.match("p04.3-a") == ["p04.3-a"]
    assert cat.match("p99.1") == [] and cat.match("p99.*") == []


@pytest.mark.skipif(not SEED.exists(), reason="the seed catalogue is not beside the project")
def test_entries_identical_to_the_seed():
    ours = yaml.safe_load(catalogue.PATH.read_text(encoding="utf-8"))
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    assert ours == seed


def test_a_duplicate_id_is_refused():
    text = "- {id: p01.1, also: [], title: t, text: x, domain: d, kind: constraint, params: {}, check: c}\n" * 2
    with pytest.raises(ValueError):
        catalogue.parse(text)
