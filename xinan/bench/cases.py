"""One benchmark per child process (so its peak memory is its own): ``python -m xinan.bench.cases
NAME --runs N --warmup W`` prints one JSON line ``{samples, unit, baseline, extra, peak_mb}``.

``samples`` are per-run values in ``unit``; ``baseline`` (where there is one) the in-run
baseline's samples in the same unit, measured in the same process right after.
"""

import argparse
import hashlib
import io
import json
import os
import resource
import sys
import time


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.settings")
    import django

    django.setup()
    if os.environ.get("XINAN_BENCH_TOLERATE_PACK") == "1":
        _tolerate_pack_problems()


def _tolerate_pack_problems():
    """For measuring a working tree whose pack does not yet map every check (a pack-authoring
    gap, not a cost): resolve as usual, ignore the problems. The runner records their count."""
    from xinan.policy import compliance, coverage, resolution

    def resolve(pack=None, cat=None):
        return resolution._analyse(pack or resolution.load(), cat or resolution.catalogue_module.load())[0]

    resolution.resolve = compliance.resolve = coverage.resolve = resolve


def _timed(fn):
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


# --- checks ---------------------------------------------------------------------------------

def check_full(runs, warmup):
    """The whole ``xinan check``: every registered check, findings stored (as the CLI does)."""
    from xinan.policy.services import checks_run

    samples = []
    for i in range(warmup + runs):
        seconds, result = _timed(lambda: checks_run(actor="cli:bench", reason="bench"))
        if i >= warmup:
            samples.append(seconds)
    from django.utils import timezone

    from xinan.policy.checks import Context, registry
    from xinan.policy.resolution import validate

    now, each = timezone.now(), {}
    for spec in registry.values():  # where the time goes: each check alone, without storing
        each[spec.id], _found = _timed(lambda: list(spec.func(Context(spec, now, None))))
    slowest = sorted(each.items(), key=lambda kv: -kv[1])[:5]
    return dict(samples=samples, unit="s", extra={
        "checks": len(result.checks), "findings": len(result.findings), "pack_problems": len(validate()),
        "evaluate_only_s": round(sum(each.values()), 3), "slowest_checks_s": {k: round(v, 3) for k, v in slowest}})


def check_vs_loop(runs, warmup):
    """Six checks set-based (as registered) against the same six as per-object ORM loops."""
    from django.utils import timezone

    from xinan.policy.checks import Context, registry

    from .baselines import LOOPS

    now = timezone.now()
    specs = {c: registry.for_clause(c)[0] for c in LOOPS}

    def set_based():
        return {c: {f.subject_id for f in spec.func(Context(spec, now, None))} for c, spec in specs.items()}

    def loops():
        return {c: {str(pk) for pk in fn(now)} for c, fn in LOOPS.items()}

    fast, slow = [], []
    for i in range(warmup + runs):
        t1, a = _timed(set_based)
        t2, b = _timed(loops) if i >= warmup or i == 0 else (0, None)
        if b is not None:
            mismatch = {c: (len(a[c]), len(b[c])) for c in a if a[c] != b[c]}
            if mismatch:
                raise SystemExit(f"loop and set-based checks disagree: {mismatch}")
        if i >= warmup:
            fast.append(t1)
            slow.append(t2)
        if i >= warmup and t2 > 60:  # the loop is the slow side; a few runs of it are enough
            break
    return dict(samples=fast, unit="s", baseline=slow,
                extra={"clauses": list(LOOPS), "findings": {c: len(v) for c, v in a.items()}})


def _recheck(runs, warmup, write):
    from django.conf import settings

    settings.POLICY_REEVALUATE = True
    samples = []
    for i in range(warmup + runs):
        seconds, _ = _timed(lambda: write(i))
        if i >= warmup:
            samples.append(seconds * 1000)
    return dict(samples=samples, unit="ms")


def recheck_equipment_write(runs, warmup):
    """One device edited through ``equipment_update``; the commit re-runs the checks it touches."""
    from xinan.assets.models import Equipment
    from xinan.assets.services import equipment_update

    device = Equipment.objects.filter(kind="desktop").order_by("pk")[10]
    return _recheck(runs, warmup, lambda i: equipment_update(None, device, notes=f"bench {time.time()}"))


def recheck_person_write(runs, warmup):
    """One person's phone edited through ``person_update`` (org.person: many checks listen)."""
    from xinan.org.models import Person
    from xinan.org.services import person_update

    person = Person.objects.filter(status="active").order_by("pk")[20]
    return _recheck(runs, warmup, lambda i: person_update(None, person, phone=f"139{int(time.time() * 1000) % 10**8:08d}"))


# --- the audit chain ------------------------------------------------------------------------

def audit_append(runs, warmup, batches=10, size=1_000):
    """Batched append: ``record_many`` of 1,000 events per transaction, ten transactions."""
    from xinan.audit.services import audited_write, record_many

    samples = []
    for i in range(warmup + runs):
        def append():
            for b in range(batches):
                entries = [dict(actor="bench", action="bench.append", subject=("bench.item", n, f"item {n}"),
                                after={"n": n, "note": "benchmark event"}) for n in range(size)]
                with audited_write():
                    record_many(entries)
        seconds, _ = _timed(append)
        if i >= warmup:
            samples.append(batches * size / seconds)
    return dict(samples=samples, unit="events/s")


def _sm3_seconds() -> tuple[float, int]:
    """SM3 alone over the same bytes verify hashes (prev hash + canonical form), timed apart from
    reading and encoding them."""
    from xinan.audit.chain import HASHED_FIELDS, canonical_bytes
    from xinan.audit.models import AuditEvent

    spent, count, chunk = 0.0, 0, []

    def flush():
        nonlocal spent
        started = time.perf_counter()
        for prev, data in chunk:
            h = hashlib.new("sm3")
            h.update(prev)
            h.update(data)
            h.hexdigest()
        spent += time.perf_counter() - started
        chunk.clear()

    for row in AuditEvent.objects.order_by("seq").values(*HASHED_FIELDS, "prev_hash").iterator(chunk_size=20_000):
        chunk.append((row["prev_hash"].encode("ascii"), canonical_bytes(row)))
        count += 1
        if len(chunk) >= 50_000:
            flush()
    flush()
    return spent, count


def audit_verify(runs, warmup):
    """``xinan audit verify`` (as the CLI runs it: all CPUs, up to 8) against SM3 alone."""
    from xinan.audit.verify import verify_chain

    workers = min(os.cpu_count() or 1, 8)
    samples, seconds, base = [], [], []
    for i in range(warmup + runs):
        result = verify_chain(workers=workers)
        if not result.ok:
            raise SystemExit(f"chain broken: {result.reason}")
        if i >= warmup:
            samples.append(result.checked / result.elapsed)
            seconds.append(result.elapsed)
            spent, count = _sm3_seconds()
            base.append(count / spent)
    return dict(samples=samples, unit="events/s", baseline=base,
                extra={"events": result.checked, "workers": workers, "verify_seconds": seconds})


# --- Excel import ---------------------------------------------------------------------------

def excel_import(runs, warmup, rows=100_000):
    """An .xlsx of ``rows`` devices with one bad row: read, validate, report the row by number
    (nothing is written when a row is bad)."""
    from openpyxl import Workbook

    from xinan.core.imports import import_rows, read_table
    from xinan.core.registers import registry
    from xinan.org.models import Department, Person

    rows = int(os.environ.get("XINAN_BENCH_IMPORT_ROWS", rows))
    register = registry.get("equipment")
    depts = list(Department.objects.values_list("code", flat=True))
    people = list(Person.objects.filter(status="active").values_list("employee_no", flat=True)[:5000])
    header = [str(register.field(n).verbose_name) for n in ("asset_no", "kind", "department", "responsible", "user",
                                                            "hostname", "ip_address", "mac_address", "brand_model")]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    bad = rows // 2 + 2  # the sheet's row number (header is row 1)
    for n in range(rows):
        p = people[n % len(people)]
        k = 1_000_000 + n
        sheet.append([f"IM{n:07d}", "台式计算机" if n + 2 != bad else "飞行器", depts[n % len(depts)], p, p,
                      f"IM-{n:06d}", f"172.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}",
                      "06-00-" + "-".join(f"{(k >> s) & 255:02X}" for s in (24, 16, 8, 0)), "联想 M720"])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    samples = []
    for i in range(warmup + runs):
        def run():
            return import_rows(None, register, read_table("devices.xlsx", content), reason="bench")
        seconds, result = _timed(run)
        if result.created or len(result.errors) != 1 or f"第{bad}行" not in result.errors[0]:
            raise SystemExit(f"import did not report exactly row {bad}: {result.errors[:3]}")
        if i >= warmup:
            samples.append(seconds)
    return dict(samples=samples, unit="s", extra={"rows": rows, "bad_row": bad, "error": result.errors[0],
                                                 "xlsx_bytes": len(content)})


def http_prepare(runs, warmup):
    """A logged-in session (second factor verified) and an API token for the system
    administrator, for the load test."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from xinan.identity import session_keys
    from xinan.identity.models import User
    from xinan.identity.tokens import token_create
    from xinan.org.models import Department

    user = User.objects.get(person__role_assignments__role__code="system_admin", person__role_assignments__status="active")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "xinan.identity.backends.RoleBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[session_keys.MFA_VERIFIED] = True
    session[session_keys.LAST_ACTIVITY] = time.time() + 86400
    session.create()
    _token, plaintext = token_create(None, user, "bench", ["assets.equipment.view"])
    from xinan.assets.models import Equipment

    departments = list(Department.objects.order_by("pk").values_list("pk", flat=True))
    return dict(samples=[], unit="", extra={"session": session.session_key, "token": plaintext,
                                            "department": departments[1], "departments": departments,
                                            "kinds": list(Equipment.Kind.values)})


CASES = {f.__name__: f for f in (check_full, check_vs_loop, recheck_equipment_write, recheck_person_write,
                                  audit_append, audit_verify, excel_import, http_prepare)}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    _setup()
    out = CASES[args.case](args.runs, args.warmup)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    sys.stdout.write("\n" + json.dumps(out, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
