#!/usr/bin/env bash
# Installs what the streaming tier (npm run test:streaming, docs/streaming.md) runs, cached under
# ~/.cache/pipewatch by the hash of its inputs, and prints `name=path` lines:
#   Debian:        openjdk-17-jre-headless (Kafka 4 needs Java 17), maven (to fetch the jars)
#   Maven Central: Kafka 4.0.1 (kafka_2.13 and its runtime dependencies) and the Prometheus JMX
#                  exporter java agent 1.0.1 (scripts/streaming/pom.xml, dependency:copy-dependencies);
#                  Spark's Kafka source and Delta's jars are fetched by Spark itself into an Ivy cache here
#   PyPI:          pyspark, delta-spark, mlflow, confluent-kafka, prometheus-client (streaming/requirements.txt)
# Idempotent: with everything present a second run installs nothing. --jars-only stops after the jars.
set -euo pipefail
cd "$(dirname "$0")/.."

pom="scripts/streaming/pom.xml"
requirements="streaming/requirements.txt"
python_bin="${PIPEWATCH_PYTHON:-python3.11}"
hash="$(cat "${pom}" "${requirements}" | sha256sum | cut -c1-12)"
root="${HOME}/.cache/pipewatch/streaming-${hash}"
stamp="${root}/.complete"

# --jars-only: Java, Maven and the jars, without the venv (the docker tier's Kafka image needs no more).
jars_only=0
[ "${1:-}" != "--jars-only" ] || jars_only=1
jars_stamp="${root}/.jars-complete"

if [ ! -f "${stamp}" ] && [ ! -f "${jars_stamp}" ]; then
  need=()
  command -v java >/dev/null || need+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || need+=(maven)
  if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  echo "installing the streaming tier's jars into ${root}" >&2
  rm -rf "${root}"
  mkdir -p "${root}/jars" "${root}/ivy"
  mvn -q -B -f "${pom}" dependency:copy-dependencies -DoutputDirectory="${root}/jars" -DincludeScope=runtime >&2
  touch "${jars_stamp}"
fi
if [ "${jars_only}" = 0 ] && [ ! -f "${stamp}" ]; then
  echo "installing the streaming tier's venv into ${root}" >&2
  rm -rf "${root}/venv"
  "${python_bin}" -m venv "${root}/venv"
  "${root}/venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "${root}/venv/bin/python" -m pip install --quiet -r "${requirements}" >&2
  touch "${stamp}"
fi

agent="$(ls "${root}"/jars/jmx_prometheus_javaagent-*.jar)"
echo "java=$(command -v java)"
echo "kafka_classpath=${root}/jars"
echo "jmx_agent=${agent}"
echo "venv=${root}/venv"
echo "ivy=${root}/ivy"
