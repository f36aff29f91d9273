#!/usr/bin/env bash
# The streaming tier (docs/streaming.md): a Kafka 4.0 broker in KRaft mode with the Prometheus JMX
# exporter agent, pipewatch's consumer-lag exporter, a PySpark Structured Streaming job writing a
# Delta table, an MLflow server and a model served from it by MLServer, all on loopback, scraped by Prometheus with the stack's
# streaming rules; Alertmanager with the stack's routing notifies a webhook. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the whole run; a warm run takes about five minutes.
time_limit="${PIPEWATCH_STREAMING_TIME_LIMIT:-15m}"

bash scripts/install-live-tools.sh >/dev/null   # Prometheus, Alertmanager, the Pushgateway
tools="$(bash scripts/install-streaming.sh)"
value() { grep "^$1=" <<<"${tools}" | cut -d= -f2-; }
export PIPEWATCH_STREAMING_JARS="$(value kafka_classpath)"
export PIPEWATCH_STREAMING_AGENT="$(value jmx_agent)"
export PIPEWATCH_STREAMING_VENV="$(value venv)"
export PIPEWATCH_STREAMING_IVY="$(value ivy)"
exec bash scripts/sandboxed-jest.sh streaming-tier tests/streaming/jest.config.js "${time_limit}" "$@"
