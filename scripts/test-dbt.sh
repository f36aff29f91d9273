#!/usr/bin/env bash
# The dbt tier (docs/dbt.md): real dbt (scripts/install-dbt.sh, cached venv) builds the example project
# (dbt/shop) against a throwaway PostgreSQL; dbt/dags/dbt_metrics.py pushes each invocation's artifacts
# to Debian's prometheus-pushgateway, which Prometheus scrapes with the stack's dbt rules; Alertmanager
# with the stack's routing and inhibitions notifies a webhook on loopback. A failing model, a failing
# test and stale sources must page, then resolve after a clean run. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the whole run; it takes about two minutes.
time_limit="${PIPEWATCH_DBT_TIME_LIMIT:-8m}"

bash scripts/install-live-tools.sh >/dev/null
if ! command -v prometheus-pushgateway >/dev/null; then
  echo "installing: prometheus-pushgateway" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The package must not start its service here: the tier starts its own on a free port.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "${policy}" ]; then
    printf '#!/bin/sh\nexit 101\n' > "${policy}" && chmod +x "${policy}"
    trap 'rm -f "${policy}"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends prometheus-pushgateway >/dev/null
fi
PIPEWATCH_DBT_VENV="$(bash scripts/install-dbt.sh)" PIPEWATCH_PUSHGATEWAY="$(command -v prometheus-pushgateway)" \
  exec bash scripts/sandboxed-jest.sh dbt-tier tests/dbt/jest.config.js "${time_limit}" "$@"
