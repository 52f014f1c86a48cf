"""What the checks of one run share (``xinan.policy.checks.run_scope``): the stored parameters read
once, and values built once per run (``shared``). Outside a run both read afresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinan.core import parameters
from xinan.core.models import Parameter
from xinan.policy.checks import parameter, run_scope, shared

from .conftest import save_audited

WINDOW = "assets.endpoint.window"  # declared by the assets app, default P30D
POSTS = "assets.endpoint.machine_room_posts"


def _store(key, value):
    row = Parameter.objects.filter(key=key).first() or Parameter(key=key)
    return save_audited(row, action="core.parameter.set", value=value)


@pytest.fixture
def list_parameter():
    parameters.define("test.policy.list", ["a"], "list parameter for a test", kind=list)
    yield "test.policy.list"
    parameters.REGISTRY.pop("test.policy.list")


def test_outside_a_run_a_parameter_is_a_plain_read():
    assert parameter(WINDOW) == parameters.get(WINDOW) == "P30D"
    _store(WINDOW, "P7D")
    assert parameter(WINDOW) == "P7D"


def test_inside_a_run_the_parameters_are_read_once():
    _store(WINDOW, "P7D")
    with run_scope():
        with CaptureQueriesContext(connection) as first:
            assert parameter(WINDOW) == "P7D"
        with CaptureQueriesContext(connection) as later:
            assert parameter(POSTS) == parameters.REGISTRY[POSTS].default  # not stored: the default
            assert parameter(WINDOW) == "P7D"
    assert len(first.captured_queries) == 1
    assert len(later.captured_queries) == 0


def test_each_run_sees_the_values_stored_when_it_reads():
    with run_scope():
        assert parameter(WINDOW) == "P30D"
    _store(WINDOW, "P14D")
    with run_scope():
        assert parameter(WINDOW) == "P14D"


def test_an_unknown_parameter_fails_inside_a_run_as_outside():
    with run_scope(), pytest.raises(KeyError):
        parameter("no.such.parameter")
    with pytest.raises(KeyError):
        parameter("no.such.parameter")


def test_a_check_changing_a_list_value_does_not_change_the_run_s_copy(list_parameter):
    _store(list_parameter, ["x", "y"])
    with run_scope():
        parameter(list_parameter).append("z")
        assert parameter(list_parameter) == ["x", "y"]


def test_shared_builds_once_per_run_and_every_time_outside():
    built = []

    def build():
        built.append(1)
        return len(built)

    with run_scope():
        assert shared("k", build) == 1
        assert shared("k", build) == 1
        assert shared("other", build) == 2
    with run_scope():
        assert shared("k", build) == 3
    assert shared("k", build) == 4
    assert shared("k", build) == 5
