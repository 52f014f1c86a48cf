#!/usr/bin/env bash
# `make run`: prepare the data directory and serve xinan on loopback.
#   migrate → demo organisation (only into an empty database) → static files → scheduler
#   (when the project has one) → gunicorn on http://$HOST:$PORT
# Expects .venv with the project installed (scripts/venv.sh run).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${XINAN_VENV:-.venv}
host=${HOST:-127.0.0.1}
port=${PORT:-8000}
workers=${WORKERS:-2}
export XINAN_DATA_DIR=${XINAN_DATA_DIR:-$PWD/data}
export PATH="$PWD/$venv/bin:$PATH"
mkdir -p "$XINAN_DATA_DIR"

commands=$(xinan help --commands)
has_command() { grep -qx "$1" <<<"$commands"; }

echo "run: data directory $XINAN_DATA_DIR${DATABASE_URL:+, database from DATABASE_URL}"
xinan migrate --noinput

if has_command demo; then
  # --if-empty: loads the demo organisation only when there are no people yet, so a second
  # `make run` keeps whatever was entered in the first.
  xinan demo --if-empty
else
  echo "run: no demo organisation yet (the \`xinan demo\` command is not part of this version)"
fi

xinan collectstatic --noinput >/dev/null

pids=()
stop() { trap - EXIT INT TERM; [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; wait; }
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if has_command scheduler; then
  # Hook for the embedded scheduler (obligations, reminders): started beside the web server
  # and stopped with it.
  xinan scheduler &
  pids+=($!)
fi

cat <<MSG

  xinan (信安) is running at  http://$host:$port/
  Stop it with Ctrl-C. Data: $XINAN_DATA_DIR

MSG
# In the background and waited for, so that a TERM to this script reaches gunicorn too.
gunicorn xinan.wsgi --bind "$host:$port" --workers "$workers" --access-logfile - --log-level warning &
pids+=($!)
wait -n
