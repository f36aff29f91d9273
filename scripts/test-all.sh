#!/usr/bin/env bash
# Every test tier, tools installed first by the repo's own scripts (cached under ~/.cache/pipewatch).
set -euo pipefail
cd "$(dirname "$0")/.."

# The later tiers' installs, built in the background at the lowest priority while npm test's tools
# install and the first tiers run (scripts/prebuild-tools.sh); stopped if a tier fails, its step times
# printed at the end.
prebuild_log="$(mktemp /tmp/pipewatch-prebuild.XXXXXX)"
setsid nice -n 19 ionice -c 3 bash scripts/prebuild-tools.sh >"${prebuild_log}" 2>&1 &
prebuild_pid=$!
trap 'kill -- -"${prebuild_pid}" 2>/dev/null || true; rm -f "${prebuild_log}"' EXIT  # the group is gone after wait: not an error

bash scripts/install-test-tools.sh   # what npm test runs: promtool, amtool, statsd_exporter, the collector, PostgreSQL, Airflow (jest installs nothing)
npm test                      # unit, synth, static (promtool/amtool), simulator, dashboards
bash airflow/run-tests.sh     # the DAGs, with Airflow 3.1.8
npm run test:airflow          # a running Airflow's StatsD metrics against what alerts and dashboards use
npm run test:dbt              # real dbt against PostgreSQL: its metrics through a Pushgateway into alerts, and back to resolved
npm run test:streaming        # Kafka, Spark Structured Streaming + Delta, MLflow on loopback: lag and latency alerts fire and resolve
npm run test:terraform        # terraform init/validate/plan of the synthesized stacks
npm run test:live             # the stack's servers on loopback: alerts, inhibition, panels, fault drills
npm run test:k8s              # the k8s target's objects in a real kube-apiserver with the Prometheus Operator's CRDs
npm run test:docker           # deploy, check, re-deploy, change, destroy on a private Docker engine
npm run test:remote           # the remote stack applied to a second engine over mutual TLS (and ssh://) in a network namespace
wait "${prebuild_pid}"
cat "${prebuild_log}"
