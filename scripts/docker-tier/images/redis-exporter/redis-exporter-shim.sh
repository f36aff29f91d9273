#!/bin/bash
# Passes every flag through to Debian's prometheus-redis-exporter, except --redis.password-file when the
# binary does not know it: then the password for --redis.addr is read from the JSON file and handed over
# in REDIS_PASSWORD, which every version reads.
set -euo pipefail
real=/usr/bin/prometheus-redis-exporter
if "${real}" --help 2>&1 | grep -q -- '-redis.password-file'; then exec "${real}" "$@"; fi
args=() addr="redis://localhost:6379" file=""
for arg in "$@"; do
  case "${arg}" in
    --redis.password-file=*) file="${arg#*=}" ;;
    --redis.addr=*) addr="${arg#*=}"; args+=("${arg}") ;;
    *) args+=("${arg}") ;;
  esac
done
if [ -n "${file}" ]; then
  # {"redis://host:6379": "password"}: the stack writes one entry per address, without escapes in the value.
  REDIS_PASSWORD="$(sed -n "s|.*\"${addr}\" *: *\"\([^\"]*\)\".*|\1|p" "${file}")"
  [ -n "${REDIS_PASSWORD}" ] || { echo "redis_exporter shim: no password for ${addr} in ${file}" >&2; exit 1; }
  export REDIS_PASSWORD
fi
exec "${real}" "${args[@]}"
