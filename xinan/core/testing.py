"""Support for the generic register tests (``core/tests/test_registers_generic.py``).

Each app declares, in ``<app>/tests/register_samples.py``, a ``SAMPLES`` dict: register slug →
``Sample``. The generic tests run view, API, import, export, print and permission tests for every
register in the registry; a register without a sample fails the suite.
"""

import importlib
import io
from dataclasses import dataclass
from datetime import date
from typing import Callable

from django.apps import apps
from openpyxl import Workbook

from .registers import Register


@dataclass
class Sample:
    """``make(n)`` returns valid create data (related rows as instances, created through services);
    ``text_field`` is a free-text field used for the formula-injection test; ``before_archive`` brings
    an instance into an archivable state (e.g. a person must have left first)."""

    make: Callable[[int], dict]
    text_field: str
    before_archive: Callable | None = None
    invalid: dict | None = None  # field -> bad value, refused by validation
    # Why a dump of this register's sample rows cannot be loaded back into an empty database
    # (rows in a state only a workflow reaches, say); empty: the bundle round trip must hold.
    bundle_round_trip: str = ""


def all_samples() -> dict[str, Sample]:
    samples = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("xinan."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.register_samples")
        except ModuleNotFoundError as exc:
            if exc.name.endswith("register_samples"):
                continue
            raise
        samples.update(module.SAMPLES)
    return samples


def import_value(register: Register, name: str, value):
    if value is None:
        return ""
    field = register.field(name)
    if field.is_relation:
        return str(getattr(value, register.lookups.get(name, "pk")))
    if isinstance(value, date):
        return value.isoformat()
    return value


def workbook_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def import_rows_for(register: Register, datas: list[dict]) -> list[list]:
    names = register.importable_fields()
    header = [str(register.field(n).verbose_name) for n in names]
    return [header] + [[import_value(register, n, d.get(n)) for n in names] for d in datas]


from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with small costs, for the test suite only (hundreds of accounts are made there);
    the product uses Django's Argon2id parameters."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
