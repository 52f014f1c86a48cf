"""Every endpoint check is narrowed to the changed devices after a device write (``endpoint_check``
sets ``narrow="assets.equipment"``), and a narrowed run reads which kinds of event those devices
reported once, shared by the endpoint checks (``_none_observed``): a device with no events costs
one query for all of them. Clauses: p01.2.6-c, p15.3.7-a (and every clause in ``CHECK_IDS``)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinan.policy.checks import Context, registry, run_scope
from xinan.policy.services import _plan

from .. import services
from ..checks_endpoint import CHECK_IDS
from .test_reevaluate_endpoint import _moved_one, _narrowed, _retire, _when, after_commit, plant  # noqa: F401

# these two read the devices themselves (no report in time is a finding), not the events
READ_DEVICES = {"p27.2.5-c", "p10.36.3-c"}


def test_a_device_write_plans_every_endpoint_check_for_that_device_alone(device):
    a = device()
    plan = {spec.id: ids for spec, ids in _plan(None, {"assets.equipment": {str(a.pk)}})}
    assert CHECK_IDS <= set(plan)
    assert {plan[c] for c in CHECK_IDS} == {frozenset({str(a.pk)})}


def _evaluate(device_pk):
    """The endpoint checks narrowed to one device, in one run: (queries, findings)."""
    found, now = [], timezone.now()
    with run_scope(), CaptureQueriesContext(connection) as queries:
        for check_id in sorted(CHECK_IDS - READ_DEVICES):
            spec = registry[check_id]
            found += spec.func(Context(spec, now, frozenset({str(device_pk)})))
    return queries.captured_queries, found


def test_a_device_without_events_costs_one_query_for_all_endpoint_checks(device, plant):
    a, b = device(asset_no="QUIET-A"), device(asset_no="BUSY-B", internet_access=True)
    plant(("BUSY-B", _when(), "file_found", "", "合同.docx", "classified"))
    queries, found = _evaluate(a.pk)
    assert found == []
    assert len(queries) == 2  # the parameters, then the kinds of event QUIET-A reported
    assert "DISTINCT" in queries[1]["sql"]


def test_a_device_with_one_kind_of_event_runs_the_checks_of_that_kind(device, plant):
    """p15.3.7-a (online) and p05.2.5-a (non-classified desktop) find the classified file; the
    checks over other kinds skip without a query."""
    b = device(asset_no="BUSY-B", internet_access=True)
    plant(("BUSY-B", _when(), "file_found", "", "合同.docx", "classified"))
    queries, found = _evaluate(b.pk)
    assert {f.check_id for f in found} == {"p15.3.7-a", "p05.2.5-a"}
    # parameters, kinds, then the four checks over file_found events, and p01.2.4.c (any event but a
    # power-off shows the computer running: two queries); the eight other checks skip
    assert len(queries) == 2 + 4 + 2


def test_p15_3_7_a_an_equipment_change_re_evaluates_that_computer(device, plant, after_commit):
    """p15.3.7-a 涉密信息不得存储在联网计算机: a computer with a classified file is taken off the
    internet; only its finding goes."""
    a, b = (device(asset_no=no, internet_access=True) for no in ("NET-A", "NET-B"))
    plant(("NET-A", _when(), "file_found", "", "合同.docx", "classified"),
          ("NET-B", _when(), "file_found", "", "合同.docx", "classified"))
    before, after = _narrowed("p15.3.7-a", a, lambda: services.equipment_update(None, a, internet_access=False),
                              after_commit)
    _moved_one(before, after, "NET-A", "NET-B")


def test_p01_2_6_c_an_equipment_change_re_evaluates_that_computer(device, plant, after_commit):
    """p01.2.6-c 禁止使用人员格式化硬盘: a computer formatted by its user is retired; only its finding goes."""
    a, b = device(asset_no="FMT-A"), device(asset_no="FMT-B")
    plant(("FMT-A", _when(), "disk_format", "someone"), ("FMT-B", _when(), "disk_format", "someone"))
    before, after = _narrowed("p01.2.6-c", a, lambda: _retire(a), after_commit)
    _moved_one(before, after, "FMT-A", "FMT-B")
