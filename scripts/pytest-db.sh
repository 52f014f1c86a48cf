#!/usr/bin/env bash
# Run the test suite once against one database:
#   scripts/pytest-db.sh sqlite   [PYTEST ARGS...]
#   scripts/pytest-db.sh postgres [PYTEST ARGS...]   (DATABASE_URL must name a PostgreSQL
#                                                     server; scripts/with-postgres.sh sets it)
# Each run gets its own temporary XINAN_DATA_DIR (secret key, audit keys, uploads), removed
# afterwards, so tests never touch ./data. Writes test-artifacts/<db>.log, junit-<db>.xml and a
# one-line summary-<db>.txt that scripts/test-all.sh prints at the end.
# Exit status is pytest's, except that "no tests collected" (pytest's 5) is turned into a
# failure with a message, so a broken collection cannot pass CI.
set -euo pipefail
cd "$(dirname "$0")/.."

db=${1:?usage: $0 sqlite|postgres [pytest args...]}
shift
case "$db" in
  sqlite) unset DATABASE_URL ;;
  postgres)
    case "${DATABASE_URL:-}" in
      postgres://*|postgresql://*) ;;
      *) echo "pytest-db: DATABASE_URL is not a PostgreSQL URL; run through scripts/with-postgres.sh" >&2; exit 2 ;;
    esac ;;
  *) echo "pytest-db: unknown database '$db' (sqlite|postgres)" >&2; exit 2 ;;
esac

venv=${XINAN_VENV:-.venv}
artifacts=${XINAN_TEST_ARTIFACTS:-test-artifacts}
mkdir -p "$artifacts"
log=$artifacts/$db.log
junit=$artifacts/junit-$db.xml
summary=$artifacts/summary-$db.txt
rm -f "$log" "$junit" "$summary"

data_dir=$(mktemp -d "${TMPDIR:-/tmp}/xinan-test-data.XXXXXX")
trap 'rm -rf "$data_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export XINAN_DATA_DIR=$data_dir
# Keys named by the caller's environment belong to a real installation; tests make their own.
unset XINAN_AUDIT_KEY_FILE XINAN_SECRET_KEY

echo "pytest-db: $db, data dir $data_dir"
start=$(date +%s)
set +e
# The limit keeps a hung test (a browser waiting forever) from eating CI's whole budget.
timeout -k 30 "${XINAN_TEST_TIMEOUT:-1200}" "$venv/bin/pytest" -q -rfE --junitxml="$junit" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
seconds=$(( $(date +%s) - start ))

counts=$("$venv/bin/python" - "$junit" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("no junit report")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
n = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
passed = n["tests"] - n["failures"] - n["errors"] - n["skipped"]
print(f"{passed} passed, {n['failures']} failed, {n['errors']} errors, {n['skipped']} skipped")
PY
)

case "$rc" in
  0) verdict=ok ;;
  5) verdict="FAILED: pytest collected no tests" ;;
  124|137) verdict="FAILED: timed out after ${XINAN_TEST_TIMEOUT:-1200}s" ;;
  *) verdict="FAILED (pytest exit $rc)" ;;
esac
printf '%-9s %s in %ss — %s\n' "$db:" "$counts" "$seconds" "$verdict" | tee "$summary"
exit "$rc"
