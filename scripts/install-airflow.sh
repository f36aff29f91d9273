#!/usr/bin/env bash
# Installs Apache Airflow (the version the stack's image runs) into a cached venv and prints the venv's path.
# The DAG tests (airflow/run-tests.sh) run with it. The venv is named by the hash of airflow/requirements*.txt
# and built once (scripts/lib/cached-venv.sh): a second run only prints the path.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cached-venv.sh

airflow_version="3.1.8"
requirements="airflow/requirements-test.txt"

build() {
  echo "installing apache-airflow ${airflow_version}"
  new_venv "$1" "Airflow ${airflow_version}"
  "$1/bin/python" -m pip install --quiet -r "${requirements}"
  # Airflow's first import writes config into AIRFLOW_HOME; keep it out of ~/airflow.
  AIRFLOW_HOME="$(mktemp -d)" "$1/bin/airflow" version
}
cached_venv "airflow-${airflow_version}-py3.11" build "${requirements}" airflow/requirements.txt
echo "${cached_dir}"
