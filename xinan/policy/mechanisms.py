"""What a pack's ``by:`` reference may name, and how each reference is proved to exist.

A reference is ``<kind>:<name>``:

- ``check:<id>``          a registered check (``xinan.policy.checks``), by its id (its clause id)
- ``register:<slug>``     a declared register (``xinan.core.registers.registry``)
- ``parameter:<key>``     a declared security parameter (``xinan.core.parameters``) the software enforces
- ``service:<dotted>``    a service function that enforces the rule (importable)
- ``constraint:<app.Model.name>``  a database constraint that enforces it
- ``setting:<NAME>``      a Django setting that enforces it (``PASSWORD_HASHERS``)
- ``responsibility:<role>``  a built-in role that must be held (a check finds it vacant)
- ``workflow:<code>``      a workflow definition (``xinan.workflows``), shipped or installed
- ``obligation:`` / ``penalty:``  names in the engines that will declare them;
  until an engine registers its resolver (``resolver("penalty")``) any such reference is an error,
  so a pack cannot claim a mechanism that does not exist.
"""

import importlib
from typing import Callable

RESOLVERS: dict[str, Callable[[str], str | None]] = {}
FUTURE_KINDS = ("workflow", "obligation", "penalty")


def resolver(kind: str):
    """Declare how references of ``kind`` are checked: the function returns an error or None."""

    def wrap(func):
        RESOLVERS[kind] = func
        return func

    return wrap


def problem(ref: str) -> str | None:
    """Why ``ref`` does not name something that exists (None when it does)."""
    kind, sep, name = str(ref).partition(":")
    if not sep or not name:
        return f"{ref!r}: expected <kind>:<name>"
    func = RESOLVERS.get(kind)
    if func is None:
        if kind in FUTURE_KINDS:
            return f"{ref!r}: no {kind} engine exists yet"
        return f"{ref!r}: unknown mechanism kind {kind!r}"
    return func(name)


@resolver("check")
def _check(name):
    from .checks import registry

    return None if name in registry else f"check:{name}: no such registered check"


@resolver("register")
def _register(name):
    from xinan.core.registers import registry

    try:
        registry.get(name)
    except KeyError:
        return f"register:{name}: no such register"
    return None


@resolver("parameter")
def _parameter(name):
    from xinan.core.parameters import REGISTRY

    return None if name in REGISTRY else f"parameter:{name}: no such parameter"


@resolver("service")
def _service(name):
    module_name, _dot, attr = name.rpartition(".")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError):
        return f"service:{name}: cannot be imported"
    return None if callable(target) else f"service:{name}: not callable"


@resolver("setting")
def _setting(name):
    from django.conf import settings

    return None if hasattr(settings, name) else f"setting:{name}: no such setting"


@resolver("constraint")
def _constraint(name):
    from django.apps import apps

    model_label, _dot, constraint = name.rpartition(".")
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return f"constraint:{name}: no such model"
    names = {c.name for c in model._meta.constraints} | {i.name for i in model._meta.indexes}
    return None if constraint in names else f"constraint:{name}: no such constraint"


@resolver("responsibility")
def _responsibility(name):
    from xinan.org.roles import BUILTIN_ROLES

    return None if any(r["code"] == name for r in BUILTIN_ROLES) else f"responsibility:{name}: no such role"


@resolver("obligation")
def _obligation(name):
    from xinan.obligations.registry import registry

    return None if name in registry else f"obligation:{name}: no such declared obligation"


@resolver("workflow")
def _workflow(name):
    """A workflow definition shipped in ``xinan/workflows/definitions/`` or installed in the database."""
    from django.db import DatabaseError

    from xinan.workflows.definitions import shipped_codes
    from xinan.workflows.models import WorkflowDefinition

    if name in shipped_codes():
        return None
    try:  # one the organisation defined; validation also runs where no database is reachable
        if WorkflowDefinition.objects.filter(code=name).exists():
            return None
    except (DatabaseError, RuntimeError):
        pass
    return f"workflow:{name}: no such workflow definition"
