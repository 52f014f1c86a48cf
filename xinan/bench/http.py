"""The load test: gunicorn (2 sync workers) on loopback serving the product, ``wrk`` (Debian's
``/usr/bin/wrk``) in its own process with 32 connections, latency distribution from
``--latency``. The trivial view (``/bench/trivial``, same middleware, no work) is measured in the
same run as the ceiling the real pages are compared with.
"""

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRK = os.environ.get("XINAN_WRK", "/usr/bin/wrk")
CONNECTIONS, THREADS, WORKERS = 32, 2, 2
TARGET = "p99 <= 150 ms and >= 300 req/s"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_wrk(text: str) -> dict:
    """Requests/s, the latency percentiles (ms) and the count of non-2xx/3xx answers and errors."""
    out = {"percentiles": {}}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M):
        out["percentiles"][pct] = float(value) * UNITS[unit]
    total = re.search(r"(\d+) requests in", text)
    out["requests"] = int(total.group(1)) if total else 0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(rps.group(1)) if rps else 0.0
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["non_2xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    return out


def _wrk(url: str, headers: dict, seconds: int, script: str | None = None) -> dict:
    cmd = [WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    text = subprocess.run(cmd + [url], text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True).stdout
    return parse_wrk(text)


def _status(url: str, headers: dict) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(urllib.request.Request(url, headers=headers), timeout=30).status
    except urllib.error.HTTPError as exc:
        return exc.code


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _endpoints(extra: dict) -> list[tuple[str, str, dict, list | None]]:
    """(name, path, headers, paths): with ``paths`` the load walks through them (a wrk script),
    one request per path, so each request is one no process has served before: the list caches
    miss and every page is counted and rendered from the database."""
    cookie = {"Cookie": f"sessionid={extra['session']}"}
    bearer = {"Authorization": f"Bearer {extra['token']}"}
    d = extra["department"]
    # department × kind × status × sort × page: 39,600 lists, so that a run at over 1,000 req/s
    # still asks for each at most once
    combos = [(dep, kind, status, sort, n) for n in range(3) for sort in ("asset_no", "-hostname", "location")
              for status in ("in_use", "spare") for kind in extra["kinds"] for dep in extra["departments"]]
    pages = [f"/assets/equipment/?kind={k}&department={dep}&status={s}&sort={o}&page={n + 1}"
             for dep, k, s, o, n in combos]
    api = [f"/api/assets/equipment?kind={k}&department={dep}&status={s}&sort={o}&limit=50&offset={50 * n}"
           for dep, k, s, o, n in combos]
    return [
        ("http_trivial", "/bench/trivial", {}, None),
        ("http_page_equipment", "/assets/equipment/", cookie, None),
        ("http_page_equipment_filtered", f"/assets/equipment/?kind=desktop&department={d}&status=in_use", cookie, None),
        ("http_page_equipment_uncached", pages[0], cookie, pages),
        ("http_api_equipment", "/api/assets/equipment?limit=50", bearer, None),
        ("http_api_equipment_filtered", f"/api/assets/equipment?kind=desktop&department={d}&limit=50", bearer, None),
        ("http_api_equipment_uncached", api[0], bearer, api),
    ]


_WALK = """
local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("offset", threads * %d)
  threads = threads + 1
end
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", paths[((offset + i) %% #paths) + 1])
end
"""


def _walk_script(paths: list[str], start: int, span: int, directory: Path) -> str:
    """A wrk script requesting ``paths`` in turn from ``start`` on, each thread from its own part of
    the next ``span`` paths."""
    ordered = paths[start:] + paths[:start]
    body = _WALK % (", ".join(f'"{p}"' for p in ordered), span // THREADS)
    path = directory / f"walk-{start}.lua"
    path.write_text(body)
    return str(path)


def run(env: dict, database: str, preset: str, *, runs: int, seconds: int, prepare, log) -> list[dict]:
    prepared = prepare()
    if "error" in prepared:
        return [dict(name="http", database=database, preset=preset, value=None, unit="req/s", target=TARGET,
                     baseline=None, ratio=None, met=False, error=" ".join(prepared["error"]))]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**env, "DJANGO_SETTINGS_MODULE": "xinan.bench.settings", "XINAN_BENCH": "1"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen([gunicorn, "xinan.wsgi:application", "-w", str(WORKERS), "-k", "sync",
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
                              env=server_env, cwd=ROOT, start_new_session=True)
    rows, trivial = [], None
    try:
        for _ in range(100):
            try:
                if _status(base + "/bench/trivial", {}) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for name, path, headers, walk in _endpoints(prepared["extra"]):
            status = _status(base + path, headers)
            if status != 200:
                rows.append(dict(name=name, database=database, preset=preset, value=None, unit="req/s",
                                 target=TARGET, baseline=None, ratio=None, met=False, error=f"GET {path} -> {status}"))
                continue
            if walk is None:
                _wrk(base + path, headers, 2)  # warm-up
                results = [_wrk(base + path, headers, seconds) for _ in range(runs)]
            else:  # no warm-up of the pages themselves (that would fill the caches); each run walks on
                step = len(walk) // (runs + 1)
                with tempfile.TemporaryDirectory() as tmp:
                    _wrk(base + "/bench/trivial", {}, 1)
                    results = [_wrk(base + path, headers, seconds, _walk_script(walk, step * i, step, Path(tmp)))
                               for i in range(runs)]
            rps = [r["rps"] for r in results]
            p99 = [r["percentiles"].get("99", 0.0) for r in results]
            value = statistics.median(rps)
            row = dict(name=name, database=database, preset=preset, value=round(value, 1), unit="req/s",
                       median=round(value, 1), min=round(min(rps), 1), max=round(max(rps), 1), runs=runs,
                       p99_ms=round(statistics.median(p99), 1), p50_ms=round(statistics.median(
                           [r["percentiles"].get("50", 0.0) for r in results]), 1),
                       non_2xx=sum(r["non_2xx"] for r in results), socket_errors=sum(r["socket_errors"] for r in results),
                       path=path, baseline=None, ratio=None)
            if name == "http_trivial":
                trivial = value
                row.update(target="ceiling (no target)", met=None)
            else:
                row.update(baseline=trivial, ratio=round(value / trivial, 3) if trivial else None, target=TARGET,
                           met=row["p99_ms"] <= 150 and value >= 300 and not row["non_2xx"])
            if walk is not None:
                # Each thread has step // THREADS distinct paths; beyond that a thread would repeat
                # paths and hit the caches, and the row would no longer measure misses.
                row["distinct_paths_per_run"] = step
                row["most_requests_in_a_run"] = max(r["requests"] for r in results)
                if row["most_requests_in_a_run"] > step:
                    row["error"] = "the walk repeated paths (more requests than distinct paths in a run)"
                    row["met"] = False
            rows.append(row)
            log(f"  {name}: {value:,.0f} req/s, p99 {row['p99_ms']} ms, non-2xx {row['non_2xx']}")
        workers = _children(server.pid)
        peak = round(sum(_hwm_mb(p) for p in workers), 1)
        for row in rows:
            row["peak_mb"] = peak  # the two workers' peak resident memory, summed
            row["extra"] = {"workers": WORKERS, "connections": CONNECTIONS, "wrk_seconds": seconds}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return rows
