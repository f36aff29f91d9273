#!/usr/bin/env bash
# Installs the servers the live tier (tests/live) runs on loopback and prints where each one is.
#   Debian:  postgresql, redis-server, prometheus-postgres-exporter (0.11.1) and
#            prometheus-redis-exporter (1.45): the module proxy refuses the stack's versions
#            (scripts/tool-versions.env); prometheus-pushgateway (the dbt tier's)
#   Go:      prometheus, promtool, alertmanager and statsd_exporter at the stack's image
#            versions (scripts/tool-versions.env), built once into ~/.cache/pipewatch by
#            scripts/install-prometheus-tool.sh; the OpenTelemetry Collector, built with the Collector
#            Builder (scripts/install-otel-collector.sh).
# No Loki: it is AGPL-licensed, and pipewatch deploys its official image but never builds its code
# (tests/unit/licence.test.ts); the live checks that needed a running Loki print NOT CHECKED.
# Idempotent: a second run with everything present installs nothing and only prints the paths.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v prometheus-postgres-exporter >/dev/null || need+=(prometheus-postgres-exporter)
command -v prometheus-redis-exporter >/dev/null || need+=(prometheus-redis-exporter)
command -v prometheus-pushgateway >/dev/null || need+=(prometheus-pushgateway)

bash scripts/apt-install.sh ${need[@]+"${need[@]}"}

prometheus="$(bash scripts/install-prometheus-tool.sh prometheus)"
promtool="$(bash scripts/install-prometheus-tool.sh promtool)"
alertmanager="$(bash scripts/install-prometheus-tool.sh alertmanager)"
statsd_exporter="$(bash scripts/install-prometheus-tool.sh statsd_exporter)"
otelcol="$(bash scripts/install-otel-collector.sh)"
postgres_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

# One `name=path` line per tool; tests/live/harness/tools.ts reads the same locations.
echo "prometheus=${prometheus}"
echo "promtool=${promtool}"
echo "alertmanager=${alertmanager}"
echo "statsd_exporter=${statsd_exporter}"
echo "otelcol=${otelcol}"
echo "postgres_bin=${postgres_bin}"
echo "redis_server=$(command -v redis-server)"
echo "postgres_exporter=$(command -v prometheus-postgres-exporter)"
echo "redis_exporter=$(command -v prometheus-redis-exporter)"
echo "pushgateway=$(command -v prometheus-pushgateway)"
