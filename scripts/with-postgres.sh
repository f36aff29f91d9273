#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL on 127.0.0.1 (a free port, password auth),
# then stops and deletes it. The command gets PGHOST, PGPORT, PGUSER, PGDATABASE and
# PGPASSWORD_FILE, so the simulator writes its run history there:
#   scripts/with-postgres.sh npm run simulator
# PostgreSQL refuses to run as root; as root the server runs as the postgres user.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "${bin}" ] && [ -x "${bin}/initdb" ] || { echo "no PostgreSQL server under /usr/lib/postgresql: run scripts/install-test-tools.sh" >&2; exit 1; }

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

dir=$(mktemp -d /tmp/pipewatch-pg.XXXXXX)
cleanup() {
  as_server_user "${bin}/pg_ctl" -D "${dir}/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "${dir}"
}
trap cleanup EXIT

head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "${dir}/password"
chmod 600 "${dir}/password"
[ "$(id -u)" = 0 ] && chown -R postgres "${dir}"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')

as_server_user "${bin}/initdb" -D "${dir}/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  --pwfile="${dir}/password" -E UTF8 --no-sync >/dev/null
as_server_user "${bin}/pg_ctl" -D "${dir}/data" -l "${dir}/server.log" -w -t 30 \
  -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" start >/dev/null

export PGHOST=127.0.0.1 PGPORT="${port}" PGUSER=postgres PGDATABASE=postgres PGPASSWORD_FILE="${dir}/password"
echo "throwaway PostgreSQL on 127.0.0.1:${port} (deleted when the command ends)" >&2
"$@"
