#!/usr/bin/env bash
# make bench: generate (or reuse from bench/cache/) the organisation of a preset, run every
# benchmark on SQLite and then on a throwaway PostgreSQL, write bench/results.json and print
# the tables. See docs/performance.md.
#   XINAN_BENCH_PRESET=small|large   (default large: 10,000 people, 60,000 devices, 2,000,000 events)
#   XINAN_BENCH_DATABASES="sqlite postgres"   which databases to run on
#   extra arguments go to python -m xinan.bench.run (e.g. --runs 3 --only check_full)
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x "$py" ] || { echo "bench: no .venv; run make venv first" >&2; exit 1; }
[ -x /usr/bin/wrk ] || echo "bench: /usr/bin/wrk missing (apt-get install wrk); the load test will fail" >&2
preset=${XINAN_BENCH_PRESET:-large}
for db in ${XINAN_BENCH_DATABASES:-sqlite postgres}; do
  case $db in
    sqlite) env -u DATABASE_URL "$py" -m xinan.bench.run --preset "$preset" "$@" ;;
    postgres) scripts/with-postgres.sh "$py" -m xinan.bench.run --preset "$preset" "$@" ;;
    *) echo "bench: unknown database $db" >&2; exit 2 ;;
  esac
done
