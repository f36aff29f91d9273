#!/usr/bin/env bash
# Installs dbt-core 1.12 with dbt-postgres 1.11 (pinned here; their dependencies in dbt/requirements.txt) into a
# cached venv and prints the venv's path. The example dbt project (dbt/) and the real-dbt tier (npm run test:dbt)
# run with it. The venv is named by the hash of the pins and built once (scripts/lib/cached-venv.sh): a second
# run only prints the path.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cached-venv.sh

dbt_core_version="1.12.6"
dbt_postgres_version="1.11.0"
requirements="dbt/requirements.txt"

build() {
  echo "installing dbt-core ${dbt_core_version} and dbt-postgres ${dbt_postgres_version}"
  new_venv "$1" "dbt"
  "$1/bin/python" -m pip install --quiet -r "${requirements}"
  "$1/bin/python" -m pip install --quiet --no-deps "dbt-core==${dbt_core_version}" "dbt-postgres==${dbt_postgres_version}"
  "$1/bin/dbt" --version
}
cached_venv "dbt-${dbt_core_version}-postgres-${dbt_postgres_version}-py3.11" build "${requirements}"
echo "${cached_dir}"
