#!/bin/bash
# The parts of the official postgres image's docker-entrypoint.sh that the stack relies on.
set -Eeuo pipefail

# VAR or VAR_FILE (not both), like the official image.
file_env() {
  local var="$1" file_var="${1}_FILE" default="${2:-}"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    echo "error: both ${var} and ${file_var} are set (but are exclusive)" >&2
    exit 1
  fi
  local value="${default}"
  if [ -n "${!var:-}" ]; then value="${!var}"; elif [ -n "${!file_var:-}" ]; then value="$(<"${!file_var}")"; fi
  export "${var}"="${value}"
  unset "${file_var}"
}

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "${PGDATA}" /var/run/postgresql
  chown -R postgres:postgres "${PGDATA}" /var/run/postgresql
  chmod 700 "${PGDATA}"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "${PGDATA}/PG_VERSION" ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "${POSTGRES_USER}"
  if [ -z "${POSTGRES_PASSWORD}" ]; then
    echo "error: database is uninitialized and POSTGRES_PASSWORD(_FILE) is not set" >&2
    exit 1
  fi
  initdb --username="${POSTGRES_USER}" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD}") --auth-local=trust --auth-host=scram-sha-256
  printf '\nhost all all all scram-sha-256\n' >>"${PGDATA}/pg_hba.conf"
  # A server on the socket only while the init scripts run, as in the official image.
  pg_ctl -D "${PGDATA}" -o "-c listen_addresses='' -p 5432" -w start
  export PGPASSWORD="${POSTGRES_PASSWORD}" PGUSER="${POSTGRES_USER}"
  if [ "${POSTGRES_DB}" != 'postgres' ]; then
    psql -v ON_ERROR_STOP=1 --dbname postgres -c "CREATE DATABASE \"${POSTGRES_DB}\";"
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          echo "running $f"
          "$f"
        else
          echo "sourcing $f"
          # shellcheck source=/dev/null
          . "$f"
        fi
        ;;
      *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 --dbname "${POSTGRES_DB}" -f "$f" ;;
      *) echo "ignoring $f" ;;
    esac
  done
  unset PGPASSWORD PGUSER
  pg_ctl -D "${PGDATA}" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
