#!/usr/bin/env bash
# The dbt tier (docs/dbt.md): real dbt (scripts/install-dbt.sh, cached venv) builds the example project
# (dbt/shop) against a throwaway PostgreSQL; dbt/dags/dbt_metrics.py pushes each invocation's artifacts
# to Debian's prometheus-pushgateway, which Prometheus scrapes with the stack's dbt rules; Alertmanager
# with the stack's routing and inhibitions notifies a webhook on loopback. A failing model, a failing
# test and stale sources must page, then resolve after a clean run. The same Prometheus holds a
# backfilled week of KPI history for the KPI row, and scrapes Debian's postgres_exporter on a streaming
# replica of the PostgreSQL (pg_basebackup -R) whose paused replay must page. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the whole run; it takes about two minutes.
time_limit="${PIPEWATCH_DBT_TIME_LIMIT:-8m}"

# Prometheus (with promtool), Alertmanager, PostgreSQL, postgres_exporter and the Pushgateway.
bash scripts/install-live-tools.sh >/dev/null
PIPEWATCH_DBT_VENV="$(bash scripts/install-dbt.sh)" exec bash scripts/sandboxed-jest.sh dbt-tier tests/dbt/jest.config.js "${time_limit}" "$@"
