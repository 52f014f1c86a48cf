#!/usr/bin/env bash
# Create .venv and install the project into it, editable.
#   scripts/venv.sh run    pip install -e .
#   scripts/venv.sh test   pip install -e .[test]
# A stamp holding the hash of pyproject.toml makes the second run instant; editing the
# dependencies (or deleting .venv) reinstalls. The test extra includes everything `run` needs.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-run}
case "$profile" in
  run) spec=. ;;
  test) spec='.[test]' ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

venv=${XINAN_VENV:-.venv}
python=${PYTHON:-python3}
hash=$(sha256sum pyproject.toml | cut -d' ' -f1)

if [ ! -x "$venv/bin/python" ]; then
  echo "venv: creating $venv with $($python --version 2>&1)"
  "$python" -m venv "$venv"
fi

for p in "$profile" test; do
  if [ -x "$venv/bin/xinan" ] && [ "$(cat "$venv/.xinan-$p" 2>/dev/null)" = "$hash" ]; then
    echo "venv: $venv up to date ($profile)"
    exit 0
  fi
done

echo "venv: pip install -e $spec"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
echo "$hash" >"$venv/.xinan-$profile"
