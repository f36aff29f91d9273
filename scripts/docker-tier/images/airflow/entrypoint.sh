#!/usr/bin/env bash
# apache/airflow's entrypoint as far as the stack uses it: `bash ...`, `python ...` and `airflow ...`
# run as given; anything else is an Airflow subcommand (`scheduler`, `celery worker`, `db migrate`).
set -euo pipefail
case "${1:-}" in
  bash | python | python3 | airflow) exec "$@" ;;
  *) exec airflow "$@" ;;
esac
