"""``make bench``: build (or reuse) a generated organisation, run each benchmark with warm-up and
several runs in its own process, and write ``bench/results.json`` and a table.

    python -m xinan.bench.run [--preset small|large] [--seed 1] [--runs 5] [--warmup 1]
                              [--only NAME,...] [--out bench/results.json] [--wrk-seconds 10]

The database is the one ``DATABASE_URL`` names (PostgreSQL under ``scripts/with-postgres.sh``),
else SQLite. The generated data is cached in ``bench/cache/`` keyed by preset, seed and the
generator's code (a SQLite file, or a ``pg_dump`` for PostgreSQL); every run works on a fresh copy,
migrated to the current schema.
Rows of other databases or presets already in the output file are kept; this run's replace theirs.
"""

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import http
from .presets import PRESETS

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "bench" / "cache"
PYTHON = sys.executable
CACHE_DAYS = 3  # generated passwords were changed "within the last days": older data goes stale

# name: (unit shown, target text, test on the row)
TARGETS = {
    "check_full": ("<= 3 s", lambda r: r["value"] <= 3),
    "check_vs_loop": (">= 30x faster than the per-object ORM loop", lambda r: r["ratio"] >= 30),
    "recheck_equipment_write": ("<= 100 ms", lambda r: r["value"] <= 100),
    "recheck_person_write": ("<= 100 ms", lambda r: r["value"] <= 100),
    "audit_append": (">= 10000 events/s", lambda r: r["value"] >= 10_000),
    "audit_verify": (">= 200000 events/s and <= 3x SM3 alone", lambda r: r["value"] >= 200_000 and r["ratio"] <= 3),
    "excel_import": ("<= 30 s for 100,000 rows, bad row named", lambda r: r["value"] <= 30 and r["extra"]["rows"] >= 100_000),
}


def _generator_hash() -> str:
    """The generated data depends on the generator's code (``generate*.py``, ``presets.py``) and on
    how audit events are spelled and stored (``audit/chain.py``, ``audit/fields.py``); the schema
    is brought up to date on each working copy (``migrate``), so a new migration alone does not
    cost a rebuild."""
    h = hashlib.sha256()
    bench, audit = ROOT / "xinan" / "bench", ROOT / "xinan" / "audit"
    for path in sorted(bench.glob("generate*.py")) + [bench / "presets.py", audit / "chain.py", audit / "fields.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"


def _pg_bin(name: str) -> str:
    base = Path("/usr/lib/postgresql")
    versions = sorted((p for p in base.iterdir() if (p / "bin" / name).exists()), key=lambda p: int(p.name)) if base.exists() else []
    return str(versions[-1] / "bin" / name) if versions else name


def _xinan(env, *args, capture=False):
    cmd = [PYTHON, str(ROOT / "manage.py"), *args]
    return subprocess.run(cmd, env=env, check=True, cwd=ROOT, text=True,
                          stdout=subprocess.PIPE if capture else None)


def prepare(preset: str, seed: int, log) -> tuple[dict, dict]:
    """The environment of a fresh working copy of the generated organisation, and its summary."""
    database = _database()
    key = f"{preset}-s{seed}-g{_generator_hash()}-{database}"
    # XINAN_BENCH_WORK: another working copy, so two runs on one machine do not share one.
    cached, work = CACHE / key, Path(os.environ.get("XINAN_BENCH_WORK") or CACHE / f"work-{database}")
    fresh = cached / "ready"
    if fresh.exists() and time.time() - fresh.stat().st_mtime > CACHE_DAYS * 86400:
        log(f"cache {key} older than {CACHE_DAYS} days: rebuilding")
        shutil.rmtree(cached)
    env = {**os.environ, "XINAN_LOG_LEVEL": "ERROR"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if not fresh.exists():
        log(f"building {preset} (seed {seed}) into {cached} …")
        shutil.rmtree(cached, ignore_errors=True)
        (cached / "data").mkdir(parents=True)
        build_env = {**env, "XINAN_DATA_DIR": str(cached / "data")}
        _xinan(build_env, "migrate", "-v0")
        started = time.perf_counter()
        out = _xinan(build_env, "generate", "--preset", preset, "--seed", str(seed), "--json", capture=True).stdout
        summary = json.loads(out.strip().splitlines()[-1])
        summary["build_seconds"] = round(time.perf_counter() - started, 1)
        if database == "postgresql":
            subprocess.run([_pg_bin("pg_dump"), "-Fc", "-f", str(cached / "db.dump"), env["DATABASE_URL"]], check=True)
        (cached / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
        fresh.touch()
        restore = False
    else:
        log(f"reusing cached {key}")
        restore = True
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(cached / "data", work)
    env["XINAN_DATA_DIR"] = str(work)
    if database == "postgresql" and restore:
        subprocess.run([_pg_bin("pg_restore"), "--clean", "--if-exists", "--no-owner", "-d", env["DATABASE_URL"],
                        str(cached / "db.dump")], check=True)
    if restore:
        _xinan(env, "migrate", "-v0")  # migrations added since the cache was built
    if database == "postgresql":
        # A restored dump has no planner statistics, no visibility map and no hint bits until
        # autovacuum gets to it: the first reads of every page then write it back, and no scan can
        # use an index alone. VACUUM ANALYZE, as an operator would after a restore, so the plans and
        # reads are the ones a running system gets.
        sql = "VACUUM ANALYZE" if restore else "ANALYZE"
        subprocess.run([_pg_bin("psql"), env["DATABASE_URL"], "-q", "-c", sql], check=True)
    return env, json.loads((cached / "summary.json").read_text())


def run_case(env, name: str, runs: int, warmup: int, timeout: int = 3600) -> dict:
    proc = subprocess.run([PYTHON, "-m", "xinan.bench.cases", name, "--runs", str(runs), "--warmup", str(warmup)],
                          env=env, cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["failed"]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _row(name, database, preset, out: dict) -> dict:
    if "error" in out:
        return dict(name=name, database=database, preset=preset, value=None, unit="", target=TARGETS.get(name, ("",))[0],
                    baseline=None, ratio=None, met=False, error=" ".join(out["error"]))
    samples = out["samples"]
    value = statistics.median(samples)
    row = dict(name=name, database=database, preset=preset, value=round(value, 3), unit=out["unit"],
               median=round(value, 3), min=round(min(samples), 3), max=round(max(samples), 3), runs=len(samples),
               baseline=None, ratio=None, peak_mb=out.get("peak_mb"), extra=out.get("extra", {}))
    if out.get("baseline"):
        base = statistics.median(out["baseline"])
        row["baseline"] = round(base, 3)
        # check_vs_loop: seconds, how many times faster; audit_verify: events/s, verify time / SM3 time
        row["ratio"] = round(base / value, 2)
    target, test = TARGETS.get(name, ("", None))
    row["target"] = target
    row["met"] = bool(test(row)) if test else None
    return row


def table(rows: list[dict]) -> str:
    lines = [f"{'benchmark':<28} {'db':<10} {'median':>12} {'min':>12} {'max':>12} {'unit':<9} {'baseline':>11} "
             f"{'ratio':>7} {'peak MB':>8}  met  target"]
    for r in rows:
        if r.get("error"):
            lines.append(f"{r['name']:<28} {r['database']:<10} ERROR: {r['error'][:90]}")
            continue
        fmt = (lambda v: f"{v:,.0f}") if r["unit"] in ("events/s", "req/s") else (lambda v: f"{v:,.3f}")
        met = {True: "yes", False: "NO", None: "-"}[r["met"]]
        lines.append(f"{r['name']:<28} {r['database']:<10} {fmt(r['median']):>12} {fmt(r['min']):>12} {fmt(r['max']):>12} "
                     f"{r['unit']:<9} {'' if r['baseline'] is None else fmt(r['baseline']):>11} "
                     f"{'' if r['ratio'] is None else r['ratio']:>7} {r.get('peak_mb') or '':>8}  {met:<4} {r['target']}"
                     + (f" (p99 {r['p99_ms']} ms)" if r.get("p99_ms") is not None else ""))
    return "\n".join(lines)


ORDER = ("check_full", "check_vs_loop", "recheck_equipment_write", "recheck_person_write", "audit_verify",
         "audit_append", "excel_import", "http")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=sorted(PRESETS), default=os.environ.get("XINAN_BENCH_PRESET", "large"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--wrk-seconds", type=int, default=10)
    args = parser.parse_args(argv)
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    database = _database()
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    env, summary = prepare(args.preset, args.seed, log)
    only = set(filter(None, args.only.split(",")))
    rows = []
    for name in ORDER:
        if only and name not in only and not (name == "http" and any(o.startswith("http") for o in only)):
            continue
        log(f"running {name} …")
        if name == "http":
            rows += http.run(env, database, args.preset, runs=max(1, min(args.runs, 3)), seconds=args.wrk_seconds,
                             prepare=lambda: run_case(env, "http_prepare", 0, 0), log=log)
            continue
        runs = min(args.runs, 3) if name in ("excel_import", "check_vs_loop") else args.runs
        rows.append(_row(name, database, args.preset, run_case(env, name, runs, args.warmup)))
        log(table(rows[-1:]).splitlines()[-1])
    out = Path(args.out)
    kept = []
    if out.exists():
        # A run replaces its database's rows of the benchmarks it ran (all of them without --only).
        ran = {row["name"] for row in rows}
        kept = [r for r in json.loads(out.read_text())
                if (r.get("database"), r.get("preset")) != (database, args.preset) or (only and r.get("name") not in ran)]
    context = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
               "load_at_start": load_at_start, "people": summary["sizes"]["people"],
               "devices": summary["sizes"]["devices"], "audit_events": summary["events"]}
    for row in rows:
        row.update(context)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(kept + rows, ensure_ascii=False, indent=1, default=str) + "\n")
    print(table(rows))
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
