#!/usr/bin/env bash
# Install the Debian packages xinan needs, and only when one is missing, so a second run costs
# a few dpkg queries and no network.
#   scripts/system-deps.sh run    python3 and its venv module (enough for `make run`)
#   scripts/system-deps.sh test   the above, plus PostgreSQL, Chromium, a CJK font, gettext,
#                                 wrk, poppler-utils and redis-server (what the test suite drives)
set -euo pipefail

profile=${1:-run}
run_pkgs=(python3 python3-venv)
test_pkgs=(postgresql chromium gettext wrk poppler-utils redis-server)

case "$profile" in
  run) wanted=("${run_pkgs[@]}") ;;
  test) wanted=("${run_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if ! command -v dpkg-query >/dev/null; then
  echo "system-deps: not a Debian system; install by hand: ${wanted[*]} (and a CJK font)" >&2
  exit 0
fi

missing=()
for p in "${wanted[@]}"; do installed "$p" || missing+=("$p"); done
# Chinese pages are rendered (PDFs, screenshots) with a CJK font; either family will do.
if [ "$profile" = test ] && ! installed fonts-wqy-zenhei && ! installed fonts-noto-cjk; then
  missing+=(fonts-wqy-zenhei)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all $profile packages present"
  exit 0
fi

echo "system-deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "system-deps: run as root or install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
# Another apt run (an unattended upgrade, a parallel install) holds the lock: wait for it
# rather than failing half-way.
for _ in $(seq 1 120); do
  pgrep -x 'apt|apt-get|dpkg' >/dev/null || break
  sleep 5
done
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
