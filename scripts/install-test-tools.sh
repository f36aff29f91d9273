#!/usr/bin/env bash
# Installs the tools `npm test` runs, before jest starts (jest only looks them up):
#   Debian:  promtool (prometheus), amtool (prometheus-alertmanager), PostgreSQL 15
#   Go:      amtool v0.27.0, statsd_exporter v0.28.0 and the OpenTelemetry Collector (built with the
#            Collector Builder, scripts/install-otel-collector.sh) and Jaeger v2 (scripts/install-jaeger.sh,
#            for npm run test:airflow), built once into ~/.cache/pipewatch
#   PyPI:    Airflow 3.1.8 in a cached venv (scripts/install-airflow.sh): tests/airflow-exporter creates
#            Airflow's real metadata schema with it
# and records their paths in ~/.cache/pipewatch/tools.env (`name=path` lines, read by tests/support/tools.ts).
# Idempotent: a second run with everything present installs nothing and only rewrites tools.env.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v promtool >/dev/null || need+=(prometheus)
command -v amtool >/dev/null || need+=(prometheus-alertmanager)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends keeps it small; policy-rc.d stops the packages from starting services here.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

# Debian's amtool is 0.25, which rejects receiver fields the stack's Alertmanager 0.27 accepts.
amtool="$(bash scripts/install-amtool.sh)"
statsd_exporter="$(bash scripts/install-statsd-exporter.sh)"
otelcol="$(bash scripts/install-otel-collector.sh)"
airflow_venv="$(bash scripts/install-airflow.sh)"
jaeger="$(bash scripts/install-jaeger.sh)"

tools_env="${HOME}/.cache/pipewatch/tools.env"
mkdir -p "$(dirname "${tools_env}")"
{
  echo "promtool=$(command -v promtool)"
  echo "amtool=${amtool}"
  echo "statsd_exporter=${statsd_exporter}"
  echo "otelcol=${otelcol}"
  echo "airflow_venv=${airflow_venv}"
  echo "jaeger=${jaeger}"
} > "${tools_env}.tmp"
mv "${tools_env}.tmp" "${tools_env}"

promtool --version 2>&1 | head -n 1
"${amtool}" --version 2>&1 | head -n 1
"${statsd_exporter}" --version 2>&1 | head -n 1
"${otelcol}" --version 2>&1 | head -n 1
echo "jaeger: ${jaeger}"
echo "tool paths: ${tools_env}"
