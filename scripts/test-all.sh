#!/usr/bin/env bash
# The whole suite against SQLite, then against a throwaway PostgreSQL server, then a summary of
# both. Both runs always happen; either failing fails the script.
#   scripts/test-all.sh [PYTEST ARGS...]
set -uo pipefail
cd "$(dirname "$0")/.."
artifacts=${XINAN_TEST_ARTIFACTS:-test-artifacts}
rm -f "$artifacts"/summary-*.txt

scripts/pytest-db.sh sqlite "$@"
sqlite_rc=$?
[ "$sqlite_rc" -ge 128 ] && exit "$sqlite_rc"   # interrupted: don't start the second run

scripts/with-postgres.sh scripts/pytest-db.sh postgres "$@"
postgres_rc=$?

echo
echo "== xinan test summary =="
for db in sqlite postgres; do
  if [ -f "$artifacts/summary-$db.txt" ]; then cat "$artifacts/summary-$db.txt"
  else printf '%-9s did not run (see the output above)\n' "$db:"; fi
done
if [ "$sqlite_rc" -ne 0 ] || [ "$postgres_rc" -ne 0 ]; then
  echo "make test: FAILED (sqlite exit $sqlite_rc, postgres exit $postgres_rc)"
  exit 1
fi
echo "make test: both databases passed"
