#!/usr/bin/env bash
# Installs the tools `npm test` runs, before jest starts (jest only looks them up):
#   Debian:  PostgreSQL 15
#   Go:      promtool, amtool and statsd_exporter at the stack's image versions (scripts/tool-versions.env,
#            scripts/install-prometheus-tool.sh) and the OpenTelemetry Collector (built with the
#            Collector Builder, scripts/install-otel-collector.sh) and Jaeger v2
#            (scripts/install-jaeger.sh, for npm run test:airflow), built once into ~/.cache/pipewatch
#   PyPI:    Airflow 3.1.8 in a cached venv (scripts/install-airflow.sh): tests/airflow-exporter creates
#            Airflow's real metadata schema with it
# and records their paths in ~/.cache/pipewatch/tools.env (`name=path` lines, read by tests/support/tools.ts).
# Idempotent: a second run with everything present installs nothing and only rewrites tools.env.
set -euo pipefail
cd "$(dirname "$0")/.."

ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || bash scripts/apt-install.sh postgresql

promtool="$(bash scripts/install-prometheus-tool.sh promtool)"
amtool="$(bash scripts/install-prometheus-tool.sh amtool)"
statsd_exporter="$(bash scripts/install-prometheus-tool.sh statsd_exporter)"
otelcol="$(bash scripts/install-otel-collector.sh)"
airflow_venv="$(bash scripts/install-airflow.sh)"
jaeger="$(bash scripts/install-jaeger.sh)"

tools_env="${HOME}/.cache/pipewatch/tools.env"
mkdir -p "$(dirname "${tools_env}")"
{
  echo "promtool=${promtool}"
  echo "amtool=${amtool}"
  echo "statsd_exporter=${statsd_exporter}"
  echo "otelcol=${otelcol}"
  echo "airflow_venv=${airflow_venv}"
  echo "jaeger=${jaeger}"
} > "${tools_env}.tmp"
mv "${tools_env}.tmp" "${tools_env}"

# First lines only, read to the end: a `head` would close the pipe early and pipefail would fail on it.
for tool in "${promtool}" "${amtool}" "${statsd_exporter}" "${otelcol}"; do
  "${tool}" --version 2>&1 | awk 'NR == 1'
done
echo "jaeger: ${jaeger}"
echo "tool paths: ${tools_env}"
