#!/usr/bin/env bash
# Builds the docker tier's images in the engine at DOCKER_HOST without any image registry: Debian
# packages (through Debian's mirror), Go binaries (through the Go module proxy), Python packages (through
# PyPI) and the host's Node.js on a debootstrap base. Each Dockerfile keeps the contract of the official image the stack expects.
# Writes the image map (ImageKey -> reference) to the file named by $1 for MonitoringStackProps.images.
#
# Every image carries a label with the hash of its inputs; all of them are saved together (shared layers
# once) in ~/.cache/pipewatch/docker-tier-images/images.tar, so a warm run loads that and builds only
# the images whose inputs changed.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
here="${repo_root}/scripts/docker-tier"
images_file="${1:?usage: build-images.sh IMAGE_MAP.json}"
# The Prometheus-family versions the tests run, the stack's pins (the images are tagged with them).
source "${repo_root}/scripts/tool-versions.env"
prometheus_tag="pipewatch-tier/prometheus:${PROMETHEUS_VERSION}"
alertmanager_tag="pipewatch-tier/alertmanager:${ALERTMANAGER_VERSION}"
statsd_exporter_tag="pipewatch-tier/statsd-exporter:${STATSD_EXPORTER_VERSION}"
tool() { bash "${repo_root}/scripts/install-prometheus-tool.sh" "$1"; }
cache="${HOME}/.cache/pipewatch/docker-tier-images"
mkdir -p "${cache}"
: "${DOCKER_HOST:?start the engine first (scripts/docker-tier/engine.sh)}"

ctx_root="$(mktemp -d /tmp/pw-images.XXXXXX)"
trap 'rm -rf "${ctx_root}"' EXIT

debian_ref="$(bash "${here}/base-image.sh")"

# build NAME TAG [extra files...]: context = images/NAME plus extra files.
build() {
  local name="$1" ref="$2" ctx="${ctx_root}/$1"
  shift 2
  mkdir -p "${ctx}"
  cp -r "${here}/images/${name}/." "${ctx}/"
  local extra
  for extra in "$@"; do cp -r "${extra}" "${ctx}/"; done
  build_context "${name}" "${ref}" Dockerfile
}

# build_context NAME TAG DOCKERFILE: the context in $ctx_root/NAME built with its DOCKERFILE, FROM $base_ref;
# cached by a hash of the whole context and the base image's id.
build_context() {
  local name="$1" ref="$2" dockerfile="$3" ctx="${ctx_root}/$1"
  # npm's install record differs run to run; everything else in a context is deterministic.
  local hash
  hash="$( (echo "${debian_ref} ${base_id:-}"; cd "${ctx}" && find . -type f ! -name .package-lock.json -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)"
  if docker image inspect "${ref}" >/dev/null 2>&1 && [ "$(docker image inspect -f '{{index .Config.Labels "pipewatch.inputs"}}' "${ref}")" = "${hash}" ]; then
    echo "image ${ref}: cached"
  else
    local t0
    t0=$(date +%s)
    if ! timeout 900 docker build --network host --label "pipewatch.inputs=${hash}" \
      --build-arg "DEBIAN=${debian_ref}" --build-arg "BASE=${base_ref:-}" -f "${ctx}/${dockerfile}" -t "${ref}" "${ctx}" >"${ctx_root}/${name}.log" 2>&1; then
      tail -n 30 "${ctx_root}/${name}.log" >&2
      echo "FAIL image ${ref}: docker build failed (output above)" >&2
      return 1
    fi
    changed=1
    echo "image ${ref}: built in $(($(date +%s) - t0))s"
  fi
  refs+=("${ref}")
}

changed=0
refs=()
saved="${cache}/images.tar"
if [ -s "${saved}" ]; then
  t0=$(date +%s)
  docker load -i "${saved}" >/dev/null
  echo "images: loaded the cache in $(($(date +%s) - t0))s"
fi

base_ref="" base_id=""
debian_version="${debian_ref##*-}"
build base "pipewatch-tier/base:${debian_version}"
base_ref="pipewatch-tier/base:${debian_version}"
# The others are rebuilt whenever the base image is.
base_id="$(docker image inspect -f '{{.Id}}' "${base_ref}")"

build prometheus "${prometheus_tag}" "$(tool prometheus)" "$(tool promtool)"
build alertmanager "${alertmanager_tag}" "$(tool alertmanager)" "$(tool amtool)"
build postgres pipewatch-tier/postgres:15
build redis pipewatch-tier/redis:7.0
build postgres-exporter pipewatch-tier/postgres-exporter:0.11.1
build redis-exporter pipewatch-tier/redis-exporter:1.45.0
build statsd-exporter "${statsd_exporter_tag}" "$(tool statsd_exporter)"
build otel-collector pipewatch-tier/otel-collector:0.165.1 "$(bash "${repo_root}/scripts/install-otel-collector.sh")"
build jaeger pipewatch-tier/jaeger:2.13.0 "$(bash "${repo_root}/scripts/install-jaeger.sh")"
# Airflow from PyPI at the pins the DAG tests install on the host (one pin list: airflow/requirements.txt).
build airflow pipewatch-tier/airflow:3.1.8-python3.11 "${repo_root}/airflow/requirements.txt" "$(bash "${here}/wheels.sh" airflow "${repo_root}/airflow/requirements.txt")"
# The streaming components the tier runs (docs/streaming.md): Kafka from the streaming tier's Maven jars,
# the lag exporter and MLflow from PyPI wheels, and the Pushgateway the streaming switch turns on.
build pushgateway pipewatch-tier/pushgateway:v1.5.1
streaming_install="$(bash "${repo_root}/scripts/install-streaming.sh")"
kafka_jars="$(sed -n 's/^kafka_classpath=//p' <<<"${streaming_install}")"
build kafka pipewatch-tier/kafka-jmx:4.0.1 "${kafka_jars}"
streaming_wheels="$(bash "${here}/wheels.sh" streaming "${here}/streaming-requirements.txt")"
build kafka-lag-exporter pipewatch-tier/kafka-lag-exporter:local "${streaming_wheels}" "${here}/streaming-requirements.txt" "${repo_root}/streaming/kafka_lag_exporter.py" "${repo_root}/streaming/create_topics.py"
build mlflow pipewatch-tier/mlflow:v3.9.0 "${streaming_wheels}" "${here}/streaming-requirements.txt"
# Spark from PyPI at the streaming tier's pyspark pin (streaming/requirements.txt), standing in for the stack's
# `spark` image; on it, the Spark job's own image exactly as the SparkStreamingJob construct declares it (its
# Dockerfile and sources), built here so the image cache serves it: the image map then names it, so the
# construct deploys it without building. Builds in the engine cannot verify PyPI's and Maven Central's
# certificates (the host's trust store is not in the images), so the Spark image carries what the job's build
# asks them for: the wheels its Dockerfile pins, and Spark's Ivy cache of the job's packages, resolved on the
# host by the streaming tier's pyspark (cached by the hash of the job and its pins).
spark_version="$(sed -n 's/^pyspark==//p' "${repo_root}/streaming/requirements.txt")"
job_dockerfile="${repo_root}/streaming/images/spark-job/Dockerfile"
{ grep -E '^(pyspark|delta-spark|prometheus-client)==' "${repo_root}/streaming/requirements.txt"
  grep -oE '[A-Za-z0-9_.-]+==[0-9][0-9.]*' "${job_dockerfile}"; } >"${ctx_root}/spark-requirements.txt"
ivy="${HOME}/.cache/pipewatch/docker-tier-spark-ivy-$(cat "${repo_root}/streaming/fraud_features_job.py" "${repo_root}/streaming/requirements.txt" | sha256sum | cut -c1-16)"
if [ ! -f "${ivy}/complete" ]; then
  echo "spark ivy: resolving the job's packages from Maven Central (first run only)"
  rm -rf "${HOME}/.cache/pipewatch/docker-tier-spark-ivy-"*
  mkdir -p "${ivy}"
  (cd "${repo_root}/streaming" && timeout 600 "$(sed -n 's/^venv=//p' <<<"${streaming_install}")/bin/python" -c \
    'import sys; from fraud_features_job import spark_session; spark_session("resolve", 0, sys.argv[1]).stop()' "${ivy}") \
    >"${ctx_root}/spark-ivy.log" 2>&1 || { tail -n 30 "${ctx_root}/spark-ivy.log" >&2; echo "FAIL spark ivy: resolution failed (output above)" >&2; exit 1; }
  touch "${ivy}/complete"
fi
build spark "pipewatch-tier/spark:${spark_version}" "$(bash "${here}/wheels.sh" spark "${ctx_root}/spark-requirements.txt")" "${ivy}/cache"
spark_job="$(cd "${repo_root}" && npx --no-install ts-node --transpile-only -e \
  'console.log(JSON.stringify(require("./constructs/streaming/spark-streaming-job").SPARK_JOB_IMAGE))')"
mkdir -p "${ctx_root}/spark-job"
for source in $(node -p 'JSON.parse(process.argv[1]).sources.join(" ")' "${spark_job}"); do
  mkdir -p "${ctx_root}/spark-job/$(dirname "${source}")"
  cp -r "${repo_root}/${source}" "${ctx_root}/spark-job/${source}"
done
base_ref="pipewatch-tier/spark:${spark_version}" base_id="$(docker image inspect -f '{{.Id}}' "pipewatch-tier/spark:${spark_version}")" \
  build_context spark-job pipewatch-tier/spark-streaming-job:local "$(node -p 'JSON.parse(process.argv[1]).dockerfile' "${spark_job}")"

node_tag="node$(node -p 'process.versions.node')"
# node_app NAME: a Node.js service of this repository (NAME/src/main.ts), transpiled with the repository's
# TypeScript, its runtime packages (NAME/runtime-dependencies.json) from npm at the locked versions, and
# the host's node binary, as the build context extras of images/NAME.
node_app() {
  local name="$1" app="${ctx_root}/$1-src/app"
  mkdir -p "${app}"
  (cd "${repo_root}" && npx --no-install tsc --outDir "${app}" --rootDir . --module commonjs --target es2022 \
    --strict --types node --esModuleInterop --skipLibCheck --noEmit false --noEmitOnError false --declaration false \
    --sourceMap false "${name}/src/main.ts" >"${ctx_root}/tsc-${name}.log" 2>&1) ||
    { head -n 20 "${ctx_root}/tsc-${name}.log"; echo "note: tsc reported the type errors above (transpiled anyway; npm run build is the type check)"; }
  [ -s "${app}/${name}/src/main.js" ] || { cat "${ctx_root}/tsc-${name}.log" >&2; echo "FAIL image ${name}: transpile produced no main.js" >&2; exit 1; }
  node -e '
    const lock = require(process.argv[1] + "/package-lock.json").packages;
    const deps = Object.fromEntries(require(process.argv[1] + "/" + process.argv[3] + "/runtime-dependencies.json").map((n) => [n, lock[`node_modules/${n}`].version]));
    require("fs").writeFileSync(process.argv[2] + "/package.json", JSON.stringify({ private: true, dependencies: deps }, null, 2));
  ' "${repo_root}" "${app}" "${name}"
  (cd "${app}" && timeout 300 npm install --omit=dev --no-audit --no-fund --no-package-lock --silent >/dev/null)
  cp "$(command -v node)" "${ctx_root}/${name}-src/node"
  build "${name}" "pipewatch-tier/${name}:${node_tag}" "${app}" "${ctx_root}/${name}-src/node"
}
node_app metrics-app
node_app airflow-exporter

if [ "${changed}" = 1 ] || [ ! -s "${saved}" ]; then
  docker save -o "${saved}.tmp" "${refs[@]}" && mv "${saved}.tmp" "${saved}"
  echo "images: cache saved ($(du -h "${saved}" | cut -f1))"
fi

cat >"${images_file}" <<EOF
{
  "prometheus": "${prometheus_tag}",
  "alertmanager": "${alertmanager_tag}",
  "postgres": "pipewatch-tier/postgres:15",
  "redis": "pipewatch-tier/redis:7.0",
  "postgresExporter": "pipewatch-tier/postgres-exporter:0.11.1",
  "redisExporter": "pipewatch-tier/redis-exporter:1.45.0",
  "statsdExporter": "${statsd_exporter_tag}",
  "otelCollector": "pipewatch-tier/otel-collector:0.165.1",
  "jaeger": "pipewatch-tier/jaeger:2.13.0",
  "airflow": "pipewatch-tier/airflow:3.1.8-python3.11",
  "pushgateway": "pipewatch-tier/pushgateway:v1.5.1",
  "kafkaJmx": "pipewatch-tier/kafka-jmx:4.0.1",
  "kafkaLagExporter": "pipewatch-tier/kafka-lag-exporter:local",
  "mlflow": "pipewatch-tier/mlflow:v3.9.0",
  "spark": "pipewatch-tier/spark:${spark_version}",
  "sparkStreamingJob": "pipewatch-tier/spark-streaming-job:local",
  "metricsApp": "pipewatch-tier/metrics-app:${node_tag}",
  "airflowExporter": "pipewatch-tier/airflow-exporter:${node_tag}"
}
EOF
echo "image map: ${images_file}"
