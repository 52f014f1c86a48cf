#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server:
#   scripts/with-postgres.sh COMMAND [ARGS...]
# initdb's a cluster in a fresh temporary directory, starts it on a free loopback port, creates
# the database `xinan`, runs COMMAND with DATABASE_URL pointing at it, then stops the server and
# deletes the directory — on success, failure, Ctrl-C or kill. The exit status is COMMAND's.
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
# (runuser); clients (createdb, the tests) connect over TCP with a random password.
# Environment: XINAN_PG_PORT (default: a free port), XINAN_PG_BIN (default: the newest
# /usr/lib/postgresql/<version>/bin), XINAN_PG_KEEP_LOG=path to copy the server log to.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

bin=${XINAN_PG_BIN:-}
if [ -z "$bin" ]; then
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] || { echo "with-postgres: no /usr/lib/postgresql/<version>; run scripts/system-deps.sh test" >&2; exit 1; }
  bin=/usr/lib/postgresql/$version/bin
fi

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xinan-pg.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp"
pgdata=$tmp/data
started=0

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$started" = 1 ]; then
    as_server "$bin/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${XINAN_PG_KEEP_LOG:-}" ] && cp "$tmp/server.log" "$XINAN_PG_KEEP_LOG" 2>/dev/null || true
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=${XINAN_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$password" >"$tmp/pwfile"
chmod 600 "$tmp/pwfile"
[ "$(id -u)" -eq 0 ] && chown postgres: "$tmp/pwfile"

as_server "$bin/initdb" -D "$pgdata" --username=xinan --pwfile="$tmp/pwfile" \
  --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
rm -f "$tmp/pwfile"

# Only loopback, socket in our own directory; durability is pointless for a cluster that is
# deleted in a minute, so fsync and friends are off to keep the suite quick.
started=1
as_server "$bin/pg_ctl" -D "$pgdata" -l "$tmp/server.log" -w -t 60 start -o \
  "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  >/dev/null || { cat "$tmp/server.log" >&2; exit 1; }

export PGPASSWORD=$password
"$bin/createdb" -h 127.0.0.1 -p "$port" -U xinan xinan
unset PGPASSWORD
echo "with-postgres: $("$bin/postgres" --version) on 127.0.0.1:$port, cluster in $tmp"

export DATABASE_URL="postgres://xinan:$password@127.0.0.1:$port/xinan"
set +e
"$@"
rc=$?
set -e
exit "$rc"
