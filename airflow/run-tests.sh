#!/usr/bin/env bash
# Runs the DAG tests (airflow/tests) in the cached Airflow venv, installing it first when missing.
# Extra arguments go to pytest. Exits non-zero when a test fails, and also when pytest collected
# no test at all (its exit code 5): an empty run must never pass for a green one.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$(bash scripts/install-airflow.sh)"

# airflow/tests/conftest.py gives the run its own AIRFLOW_HOME and SQLite database.
status=0
"${venv}/bin/python" -m pytest airflow/tests -q "$@" || status=$?
if [ "${status}" -eq 5 ]; then
  echo "pytest collected no tests in airflow/tests" >&2
fi
exit "${status}"
