#!/usr/bin/env bash
# Installs dbt-core 1.12 with dbt-postgres 1.11 (pinned here; their dependencies in dbt/requirements.txt) into a
# cached venv and prints the venv's path.
# The example dbt project (dbt/) and the real-dbt tier (npm run test:dbt) run with it. Idempotent: when the venv
# answers `dbt --version` and was built from the current requirements, a second run only prints the path.
set -euo pipefail
cd "$(dirname "$0")/.."

dbt_core_version="1.12.6"
dbt_postgres_version="1.11.0"
requirements="dbt/requirements.txt"
python_version="3.11"
venv="${HOME}/.cache/pipewatch/dbt-${dbt_core_version}-postgres-${dbt_postgres_version}-py${python_version}"
python_bin="${PIPEWATCH_PYTHON:-python${python_version}}"
# The stamp ties the venv to the requirements it was built from, so a changed pin rebuilds it.
stamp="${venv}/.pipewatch-requirements.sha256"
wanted="$( (cat "${requirements}"; echo "${dbt_core_version} ${dbt_postgres_version}") | sha256sum | cut -d' ' -f1)"

usable() {
  [ -f "${stamp}" ] && [ "$(cat "${stamp}")" = "${wanted}" ] \
    && "${venv}/bin/dbt" --version >/dev/null 2>&1
}

if ! usable; then
  command -v "${python_bin}" >/dev/null || {
    echo "python ${python_version} is required for dbt; set PIPEWATCH_PYTHON to its path" >&2
    exit 1
  }
  # Progress to stderr so stdout stays the path alone.
  echo "installing dbt-core ${dbt_core_version} and dbt-postgres ${dbt_postgres_version} into ${venv}" >&2
  rm -rf "${venv}"
  "${python_bin}" -m venv "${venv}"
  "${venv}/bin/python" -m pip install --quiet --upgrade pip >&2
  "${venv}/bin/python" -m pip install --quiet -r "${requirements}" >&2
  "${venv}/bin/python" -m pip install --quiet --no-deps "dbt-core==${dbt_core_version}" "dbt-postgres==${dbt_postgres_version}" >&2
  "${venv}/bin/dbt" --version >&2
  echo "${wanted}" > "${stamp}"
fi
echo "${venv}"
