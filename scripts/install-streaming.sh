#!/usr/bin/env bash
# Installs what the streaming tier (npm run test:streaming, docs/streaming.md) runs, cached under
# ~/.cache/pipewatch by the hash of its inputs, and prints `name=path` lines:
#   Debian:        openjdk-17-jre-headless (Kafka 4 needs Java 17), maven (to fetch the jars)
#   Maven Central: Kafka 4.0.1 (kafka_2.13 and its runtime dependencies) and the Prometheus JMX
#                  exporter java agent 1.0.1 (scripts/streaming/pom.xml, dependency:copy-dependencies);
#                  Spark's Kafka source and Delta's jars are fetched by Spark itself into an Ivy cache here
#   PyPI:          pyspark, delta-spark, mlflow, mlserver and mlserver-mlflow, confluent-kafka, prometheus-client
#                  (streaming/requirements.txt)
# Built once into an entry named by the hash of the pom and the requirements (scripts/lib/cached-venv.sh):
# with everything present a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/cached-venv.sh

pom="scripts/streaming/pom.xml"
requirements="streaming/requirements.txt"

need=()
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need+=(maven)
bash scripts/apt-install.sh ${need[@]+"${need[@]}"}

build() {
  echo "installing the streaming tier's jars and venv"
  mkdir -p "$1/jars" "$1/ivy"
  mvn -q -B -f "${pom}" dependency:copy-dependencies -DoutputDirectory="$1/jars" -DincludeScope=runtime
  new_venv "$1/venv" "the streaming tier"
  "$1/venv/bin/python" -m pip install --quiet -r "${requirements}"
}
cached_venv streaming build "${pom}" "${requirements}"
root="${cached_dir}"

agent="$(ls "${root}"/jars/jmx_prometheus_javaagent-*.jar)"
echo "java=$(command -v java)"
echo "kafka_classpath=${root}/jars"
echo "jmx_agent=${agent}"
echo "venv=${root}/venv"
echo "ivy=${root}/ivy"
