"""The policy pack: every reference names something real, every id it names is in the catalogue,
every catalogue id ends with one status, and its parameters are the catalogue's."""

import copy
from collections import Counter

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError

from xinan.audit.models import AuditEvent
from xinan.core import parameters
from xinan.policy import catalogue, pack, resolution
from xinan.policy.durations import Duration
from xinan.policy.pack import Pack, PackError

SEED = yaml.safe_load((pack.PACKS_DIR / "seed.yaml").read_text(encoding="utf-8"))


def variant(change) -> Pack:
    data = copy.deepcopy(SEED)
    change(data)
    return Pack.from_yaml("variant", yaml.safe_dump(data, allow_unicode=True))


def problems_of(change) -> list[str]:
    return resolution.validate(variant(change))


def test_seed_pack_is_valid():
    assert resolution.validate() == []


def test_every_catalogue_id_has_exactly_one_status():
    resolved = resolution.resolve()
    assert list(resolved) == catalogue.load().ids()
    counts = Counter(r.status for r in resolved.values())
    assert set(counts) == {"implemented", "attestation", "not_applicable", "missing"}
    assert sum(counts.values()) == 801
    assert counts["attestation"] == 93 and counts["not_applicable"] == 20


def test_statuses_of_known_clauses():
    resolved = resolution.resolve()
    assert resolved["p08.10.4-b"].status == "implemented"
    assert "check:p08.10.4-b" in resolved["p08.10.4-b"].by
    assert "constraint:org.RoleAssignment.org_one_triad_role_per_person" in resolved["p08.10.4-b"].by
    assert resolved["p04.3-a"].status == "implemented"
    assert resolved["p10.40.3"].status == "not_applicable"  # the regulator's duty (篇10 第四十条)
    assert resolved["p10.47"].status == "missing"  # compensation is the company's: not excluded
    assert resolved["p10.35-c"].status == "attestation" and resolved["p10.35-c"].by == ("attestation",)
    assert resolved["p16.2.6-a"].status == "missing"  # server passwords: no register yet
    assert resolved["p21.5.1.5-d"].status == "missing" and resolved["p21.5.1.5-d"].by  # partly covered


@pytest.mark.parametrize("ref,fragment", [
    ("check:p99.nope", "no such registered check"),
    ("register:computers", "no such register"),
    ("parameter:identity.password.nope", "no such parameter"),
    ("service:xinan.org.services.no_such_service", "cannot be imported"),
    ("constraint:org.RoleAssignment.no_such_constraint", "no such constraint"),
    ("responsibility:chief_wizard", "no such role"),
    ("setting:NO_SUCH_SETTING", "no such setting"),
    ("workflow:no_such_workflow", "no such workflow definition"),
    ("obligation:admin_password_rotation", "no such declared obligation"),
    ("penalty:unlicensed_software", "no penalty engine exists yet"),
    ("telepathy:x", "unknown mechanism kind"),
])
def test_a_reference_to_nothing_fails(ref, fragment):
    problems = problems_of(lambda d: d["mechanisms"][0]["by"].append(ref))
    assert any(fragment in p for p in problems), problems
    with pytest.raises(PackError):
        resolution.resolve(variant(lambda d: d["mechanisms"][0]["by"].append(ref)))


def test_a_clause_id_absent_from_the_catalogue_fails():
    assert any("'p99.1' names no catalogue clause" in p
               for p in problems_of(lambda d: d["mechanisms"][0]["clauses"].append("p99.1")))
    assert any("'p99.*' names no catalogue clause" in p
               for p in problems_of(lambda d: d["not_applicable"][0]["clauses"].append("p99.*")))
    assert any("parameters.p99.1.cadence: no such clause" in p
               for p in problems_of(lambda d: d["parameters"].update({"p99.1": {"cadence": "P1D"}})))


def test_a_clause_with_two_statuses_fails():
    problems = problems_of(lambda d: d["mechanisms"][0]["clauses"].append("p10.40.1"))
    assert any("p10.40.1: resolved more than once" in p for p in problems)
    problems = problems_of(lambda d: d["partial"][0]["clauses"].append("p04.3-a"))
    assert any("p04.3-a: listed as partial but also implemented" in p for p in problems)


def test_attestation_only_where_the_catalogue_says_records_cannot_show_it():
    problems = problems_of(lambda d: d["attestation"].append(["p04.3-a"]))
    assert any("p04.3-a — its catalogue check does not start with 'attestation'" in p for p in problems)


def test_rules_need_their_reason_and_mechanisms():
    assert any("'reason' is required" in p for p in problems_of(lambda d: d["not_applicable"][0].pop("reason")))
    assert any("'lacks' is required" in p for p in problems_of(lambda d: d["partial"][0].pop("lacks")))
    assert any("'by' names no mechanism" in p for p in problems_of(lambda d: d["mechanisms"][0].update(by=[])))


def test_parameters_are_the_catalogues():
    assert any("does not carry ['within']" in p for p in problems_of(lambda d: d["parameters"].pop("p04.5")))
    assert any("pack says 'P30D', the clause says 'P15D'" in p
               for p in problems_of(lambda d: d["parameters"].update({"p03.7.3": {"within": "P30D"}})))
    assert any("asks for no configured value" in p
               for p in problems_of(lambda d: d["parameters"]["p04.5"].update({"extra": 3})))
    assert any("bound parameter 'identity.nope' does not exist" in p
               for p in problems_of(lambda d: d["parameters"].update({"p04.3-a": {"cadence": {"bind": "identity.nope", "unit": "days"}}})))
    # A bound number that differs from the clause needs its reading stated.
    assert any("give a 'reading'" in p
               for p in problems_of(lambda d: d["parameters"]["p02.3.2-a"]["max_interval"].pop("reading")))


def test_every_registered_check_is_mentioned_by_the_pack():
    def drop(d):
        d["mechanisms"] = [r for r in d["mechanisms"] if "check:p10.38-b" not in r["by"]]
        d["partial"] = [r for r in d["partial"] if "check:p10.38-b" not in r["by"]]

    assert any("check p10.38-b: no pack rule mentions it" in p for p in problems_of(drop))


# --- parameters ---------------------------------------------------------------------------------

def test_editable_parameters_are_declared_with_the_catalogue_defaults(db):
    assert parameters.REGISTRY["p03.7.3.within"].default == "P15D"
    assert parameters.REGISTRY["p01.8.1.a.fine_cny"].default is None
    assert pack.param("p03.7.3", "within") == Duration(days=15)
    assert pack.param("p19.6", "fine_cny_max") == 200
    assert pack.param("p01.8.1.a", "fine_cny") is None  # ____元: blank until set
    assert pack.param("p08.10.4-b", "roles") == 3  # fixed: not a setting
    assert "p08.10.4-b.roles" not in parameters.REGISTRY
    assert pack.param("p21.5.1.5-b", "admin_min_length") == 9  # derived: admin_length_gt + 1


def test_an_organisation_sets_a_blank_fine_audited(db, make_user):
    admin = make_user("security_admin")
    parameters.parameter_set(admin, "p01.8.1.a.fine_cny", "50", reason="奖惩细则")
    assert pack.param("p01.8.1.a", "fine_cny") == 50
    event = AuditEvent.objects.filter(action="core.parameter.set", subject_id="p01.8.1.a.fine_cny").get()
    assert event.before == {"value": None} and event.after == {"value": 50} and event.reason == "奖惩细则"
    with pytest.raises(ValidationError):
        parameters.parameter_set(admin, "p01.8.1.a.fine_cny", "-5")
    with pytest.raises(PermissionDenied):
        parameters.parameter_set(make_user("staff"), "p01.8.1.a.fine_cny", "80")


def test_durations_are_validated_and_stored_as_iso_text(db, make_user):
    admin = make_user("security_admin")
    parameters.parameter_set(admin, "p10.38-b.within", "pt30m")
    assert parameters.get("p10.38-b.within") == "PT30M"
    assert pack.param("p10.38-b", "within") == Duration(seconds=1800)
    with pytest.raises(ValidationError):
        parameters.parameter_set(admin, "p10.38-b.within", "half an hour")
    assert parameters.get("p10.38-b.within") == "PT30M"


def test_a_bound_parameter_follows_the_enforced_one(db, make_user):
    """Another company rotates administrators' passwords every 30 days, not 15: it sets the one
    parameter the login rules enforce, and the pack's p04.3-a cadence follows."""
    assert pack.param("p04.3-a", "cadence") == Duration(days=15)
    parameters.parameter_set(make_user("security_admin"), "identity.password.admin_max_age_days", 30)
    assert pack.param("p04.3-a", "cadence") == Duration(days=30)
    rows = {(r["clause"], r["name"]): r for r in pack.param_rows()}
    assert rows[("p04.3-a", "cadence")] == {"clause": "p04.3-a", "name": "cadence", "form": "bind",
                                            "key": "identity.password.admin_max_age_days", "value": "P30D"}
