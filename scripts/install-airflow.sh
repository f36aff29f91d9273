#!/usr/bin/env bash
# Installs Apache Airflow (the version the stack's image runs) into a cached venv and prints the venv's path.
# The DAG tests (airflow/run-tests.sh) run with it. Idempotent: when the venv answers `airflow version`,
# a second run only prints the path.
# The venv's directory is named by the hash of airflow/requirements*.txt, so checkouts with other pins
# get their own venv instead of rebuilding (and deleting) one another's; a lock keeps two runs from
# building the same one at once.
set -euo pipefail
cd "$(dirname "$0")/.."

airflow_version="3.1.8"
python_version="3.11"
requirements="airflow/requirements-test.txt"
wanted="$(cat "${requirements}" airflow/requirements.txt | sha256sum | cut -d' ' -f1)"
venv="${HOME}/.cache/pipewatch/airflow-${airflow_version}-py${python_version}-${wanted:0:12}"
python_bin="${PIPEWATCH_PYTHON:-python${python_version}}"
# Written last: a venv without it is an interrupted build.
stamp="${venv}/.pipewatch-requirements.sha256"

usable() {
  [ -f "${stamp}" ] && "${venv}/bin/airflow" version >/dev/null 2>&1
}

mkdir -p "$(dirname "${venv}")"
exec 9>"${venv}.lock"
flock 9
if ! usable; then
  command -v "${python_bin}" >/dev/null || {
    echo "python ${python_version} is required (the stack's image runs Airflow on ${python_version}); set PIPEWATCH_PYTHON to its path" >&2
    exit 1
  }
  # Progress to stderr so stdout stays the path alone.
  echo "installing apache-airflow ${airflow_version} into ${venv}" >&2
  rm -rf "${venv}"
  "${python_bin}" -m venv "${venv}"
  "${venv}/bin/python" -m pip install --quiet --upgrade pip >&2
  "${venv}/bin/python" -m pip install --quiet -r "${requirements}" >&2
  # Airflow's first import writes config into AIRFLOW_HOME; keep it out of ~/airflow.
  AIRFLOW_HOME="$(mktemp -d)" "${venv}/bin/airflow" version >&2
  echo "${wanted}" > "${stamp}"
fi
echo "${venv}"
