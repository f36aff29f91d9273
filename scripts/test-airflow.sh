#!/usr/bin/env bash
# The live Airflow check (docs/airflow.md): real Airflow 3.1.8 (scripts/install-airflow.sh, cached venv)
# runs the example DAGs with the stack's StatsD settings into statsd_exporter with the stack's mapping,
# Prometheus scrapes it, and tests/airflow-live checks that every Airflow and pipeline metric family the
# generated alerts and dashboards use has series there, with the labels they use; Airflow's traces go to
# Jaeger v2 (scripts/install-jaeger.sh), where the instrumented example_etl's spans are checked. Airflow's venv and
# Jaeger come from scripts/install-test-tools.sh (their paths in ~/.cache/pipewatch/tools.env, which the check reads).
# Everything listens on 127.0.0.1; scripts/sandboxed-jest.sh stops whatever the run started. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the whole run; the check itself gives up waiting for metrics well before.
time_limit="${PIPEWATCH_AIRFLOW_TIME_LIMIT:-15m}"

bash scripts/install-live-tools.sh >/dev/null
bash scripts/install-test-tools.sh >/dev/null
exec bash scripts/sandboxed-jest.sh airflow-check tests/airflow-live/jest.config.js "${time_limit}" "$@"
