#!/usr/bin/env bash
# Docker tier: deploy the stack for real on a private Docker engine and check what a user relies on,
# monitoring pipelines.yaml's pipelines plus 500 synthetic ones (tests/docker/tier-app.ts):
#   deploy -> every container healthy (Airflow's included) -> Prometheus has every deployed target up
#   -> streaming (first environment only): Kafka with the JMX agent, the lag exporter, the Spark job and MLflow run in the
#      stack and Prometheus reads the broker's, the exporter's, the Spark driver's and executors' and MLflow's
#      series; records produced to the job's topic move its Delta table's metrics (through the Pushgateway)
#   -> Airflow: API login with the generated password (a wrong one refused), DAGs parsed without import
#      errors, one run of each example DAG with its tasks on the Celery worker, their StatsD and run state
#      in Prometheus, a DAG failed by its switch alerted as PipelineRunFailed at the webhook
#   -> the stack's own container logs reach an OTLP sink through the deployed log shipper
#   -> Jaeger healthy, and a span sent into the deployed collector on the stack network is found
#      through Jaeger's query API
#   -> a second deploy plans no changes
#   -> a config change (Prometheus retention) replaces only Prometheus, and its data survives
#   -> one pipeline's deadline changed replaces exactly the containers that read the pipeline catalog:
#      Prometheus (its rules) and the simulator (the catalog it plays)
#   -> replacing the Postgres container keeps the database; replacing the Spark job's keeps its checkpoint
#   -> a second environment deployed beside the first; destroying the first leaves the second
#      untouched and nothing of the first behind (containers, networks, volumes)
#   -> destroy the second.
# Components without an image here are left out (tests/docker/tier-app.ts says which and why).
# This script drives the engine, Terraform and docker; the checks against the deployed services
# (Prometheus targets and samples, alerts at the webhook, the plan's changes) are tests/docker/check.ts.
# Prints PASS/FAIL lines and timings; exits non-zero on the first failure. Everything it starts
# (engine, containers, temp dirs) is removed on exit.
#
# Environment: PIPEWATCH_PROVIDER_SOURCE=release|snapshot (scripts/install-terraform-toolchain.sh);
#   PIPEWATCH_DOCKER_TIER_TIMEOUT  seconds for the whole tier (default 2400).
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "${repo_root}"
cache="${HOME}/.cache/pipewatch"
export PIPEWATCH_PROVIDER_SOURCE="${PIPEWATCH_PROVIDER_SOURCE:-release}"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
tier_started=$(date +%s)
tier_limit=${PIPEWATCH_DOCKER_TIER_TIMEOUT:-2400}
tier_deadline=$((tier_started + tier_limit))

work="$(mktemp -d /tmp/pw-docker-tier.XXXXXX)"
# shellcheck source=engine.sh
source "${repo_root}/scripts/docker-tier/engine.sh"
# shellcheck source=tier-lib.sh
source "${repo_root}/scripts/docker-tier/tier-lib.sh"
cleanup() {
  local rc=$?
  if [ -n "${DOCKER_HOST:-}" ] && [ ${rc} -ne 0 ]; then
    echo "-- containers at failure:"
    docker ps -a --format '{{.Names}}\t{{.Status}}' 2>/dev/null | sed 's/^/   /' || true
  fi
  engine_stop
  rm -rf "${work}"
  exit ${rc}
}
trap cleanup EXIT

echo "== docker tier (providers: ${PIPEWATCH_PROVIDER_SOURCE})"
bash scripts/install-terraform-toolchain.sh docker random || fail "toolchain: a provider the stack requires could not be built (error above)"
set -a
# shellcheck disable=SC1091
source "${cache}/toolchain.env"
set +a
tf="${TF_BIN}"

engine_start
t0=$(date +%s)
bash scripts/docker-tier/build-images.sh "${work}/images.json" || fail "images: could not build the tier's images"
pass "images ready in $(($(date +%s) - t0))s"

# synth ENV OFFSET [RETENTION] [FIRST_DEADLINE]: the tier app's stack for one environment (Jaeger in the first
# only), ready to apply, in $work/ENV (its configuration and the config files it uploads; Terraform's state stays there).
synth() {
  local env="$1" offset="$2" retention="${3:-15}" deadline_minutes="${4:-40}" dir="${work}/$1"
  rm -rf "${work}/out-$1"
  # Streaming components run in the first environment only: the second one proves isolation, not them again.
  PIPEWATCH_TIER_STREAMING="$([ "${env}" = "${env_a}" ] && echo run || echo off)" \
  PIPEWATCH_ENV="${env}" PIPEWATCH_PORT_OFFSET="${offset}" PIPEWATCH_IMAGES_FILE="${work}/images.json" \
    PIPEWATCH_DOCKER_HOST="${DOCKER_HOST}" PIPEWATCH_TIER_RETENTION_DAYS="${retention}" PIPEWATCH_DOCKER_DATA_ROOT="${ENGINE_DIR}/data" \
    PIPEWATCH_TIER_FIRST_DEADLINE_MINUTES="${deadline_minutes}" PIPEWATCH_TIER_TRACES="$([ "${env}" = "${env_a}" ] && echo 1 || echo 0)" \
    run "${work}/synth-${env}.log" npx --no-install cdktf synth --app "npx ts-node --transpile-only tests/docker/tier-app.ts" --output "${work}/out-${env}" ||
    fail "synth ${env}"
  mkdir -p "${dir}"
  cp "${work}/out-${env}/stacks/local-${env}/cdk.tf.json" "${dir}/cdk.tf.json"
  rm -rf "${dir}/assets"
  cp -r "${work}/out-${env}/stacks/local-${env}/assets" "${dir}/assets"
  node tests/terraform/write-override.js "${dir}" "${dir}/terraform.tfstate" "${PIPEWATCH_PROVIDER_SOURCE}" >/dev/null ||
    fail "${env}: override file"
  # The webhook receiver of tests/docker/tier-app.ts: the recorder container on the environment network.
  echo '{"alertmanager_tier_sink_url": "http://webhook-sink:8080/alerts"}' >"${dir}/terraform.tfvars.json"
}

# only_replaced ENV BEFORE AFTER NAME...: between two `containers` listings, exactly the named containers
# got a new id and every other one kept its own.
only_replaced() {
  local env="$1" before="$2" after="$3" replaced expected
  shift 3
  # diff exits 1 when the lists differ, which they must (a replaced container has a new id).
  replaced="$( (diff <(awk '{print $1, $2}' <<<"${before}") <(awk '{print $1, $2}' <<<"${after}") || true) | awk '/^>/ {print $2}' | sort | tr '\n' ' ')"
  expected="$(printf '%s\n' "$@" | sort | tr '\n' ' ')"
  [ "${replaced}" = "${expected}" ] || fail "${env}: containers replaced by the change: ${replaced:-none}; expected ${expected}only"
  pass "${env}: only ${replaced}replaced; every other container kept its id"
}

# check NAME OPTIONS...: one of the checks of tests/docker/check.ts against the deployed environment,
# bounded by the tier's time left; prints what it found, or why it failed (then exits non-zero).
check() { timeout "$(left)" npx --no-install ts-node --transpile-only tests/docker/check.ts "$@"; }

# targets_up ENV PROM_PORT: every deployed scrape target up, and the jobs of components left out of the
# tier (tests/docker/tier-app.ts LEFT_OUT, no container with their host name) down, within 120s.
targets_up() {
  local env="$1" port="$2" deployed out
  deployed="$(docker ps --filter "label=pipewatch.environment=${env}" --format '{{.Label "pipewatch.service"}}' | tr '\n' ' ')"
  out="$(check targets --prometheus "http://127.0.0.1:${port}" --config "${work}/${env}/cdk.tf.json" --deployed "${deployed}" --timeout-s 120)" ||
    fail "${env}: prometheus targets: ${out}"
  pass "${env}: prometheus targets ${out}"
}

# --- first environment ------------------------------------------------------------------------------
env_a="tier-a" offset_a=30000 env_b="tier-b" offset_b=31000
prom_a=$((9090 + offset_a)) prom_b=$((9090 + offset_b))
jaeger_a="http://127.0.0.1:$((16686 + offset_a))"
for port in ${prom_a} ${prom_b} $((16686 + offset_a)) $((5000 + offset_a)) $((8080 + offset_a)) $((8080 + offset_b)) $((8000 + offset_a)) $((8000 + offset_b)) $((9093 + offset_a)) $((9093 + offset_b)) $((5080 + offset_a)) $((5080 + offset_b)); do
  ! (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null || fail "port ${port} on 127.0.0.1 is already taken; free it or change the tier's offsets"
done

synth "${env_a}" "${offset_a}"
run "${work}/init-a.log" "${tf}" -chdir="${work}/${env_a}" init -input=false -no-color || fail "${env_a}: init"
t0=$(date +%s)
run "${work}/apply-a.log" "${tf}" -chdir="${work}/${env_a}" apply -auto-approve -input=false -no-color || fail "${env_a}: deploy"
all_healthy "${env_a}"
deploy_seconds=$(($(date +%s) - t0))
pass "${env_a}: deployed with Airflow, every container healthy, in ${deploy_seconds}s ($(grep -E '^Apply complete' "${work}/apply-a.log"))"
targets_up "${env_a}" "${prom_a}"

# Streaming: the broker's own metrics through the JMX agent and the repository's rules, the lag exporter's
# answer and MLflow's request counter (after one request to its REST API on 127.0.0.1) reach Prometheus.
curl -fsS --max-time 10 "http://127.0.0.1:$((5000 + offset_a))/api/2.0/mlflow/experiments/search?max_results=1" >/dev/null ||
  fail "${env_a}: MLflow's REST API does not answer on 127.0.0.1:$((5000 + offset_a))"
t0=$(date +%s)
out="$(check series --prometheus "http://127.0.0.1:${prom_a}" --timeout-s 120 \
  --expr 'kafka_controller_kafkacontroller_activecontrollercount{job="kafka"} == 1' \
  --expr 'up{job="kafka-lag-exporter"} == 1' \
  --expr 'sum(mlflow_http_request_total{job="mlflow"}) > 0')" || fail "${env_a}: streaming series: ${out}"
pass "${env_a}: streaming components scraped at their containers in $(($(date +%s) - t0))s: ${out}"

# The Spark job (the construct's own image on the tier's Spark image, build-images.sh) in its container: Prometheus
# scrapes its driver and executors with its query's progress, and records produced to its topic (from the lag
# exporter's container, which has a Kafka client) move its Delta table's metrics through the Pushgateway.
spark_job="${env_a}-spark-fraud-features" delta_table='delta_table_%s{table="fraud_features"}'
# produce_payments COUNT: COUNT payment events (50 cards) to the job's topic (created by the stack's kafka-topics job).
produce_payments() {
  docker exec -i "${env_a}-kafka-lag-exporter" python - "$1" <<'PY' || fail "${env_a}: could not produce to payments.events"
import json, sys
from confluent_kafka import Producer
producer = Producer({"bootstrap.servers": "kafka:9092", "linger.ms": 50})
for i in range(int(sys.argv[1])):
    producer.produce("payments.events", key=f"card-{i % 50}", value=json.dumps({"amount": (i % 97) + 0.5}))
if producer.flush(30):
    sys.exit("records left unsent")
PY
}
# delta_state [--expr PROMQL...]: "version files size" of the job's table in Prometheus, once all three (and the
# given expressions) return samples (120 s).
delta_state() {
  local out
  out="$(check series --prometheus "http://127.0.0.1:${prom_a}" --timeout-s 120 \
    --expr "$(printf "${delta_table}" version)" --expr "$(printf "${delta_table}" files)" --expr "$(printf "${delta_table}" size_bytes)" "$@")" ||
    fail "${env_a}: Delta table metrics: ${out}"
  sed -E 's/^[^;]* = ([^;]*); [^;]* = ([^;]*); [^;]* = ([^;]*).*$/\1 \2 \3/' <<<"${out}"
}
# The stack's kafka-topics job created the declared topic with the tier's 2 partitions; run again (the same
# script in the lag exporter's container, which has the same image) it finds the topic and creates nothing.
topics_log="$(docker logs "${env_a}-kafka-topics" 2>&1)"
grep -q '^create_topics: 1 declared, 0 already there, 1 created with 2 partitions and replication factor 1$' <<<"${topics_log}" ||
  fail "${env_a}: the kafka-topics job did not create payments.events: ${topics_log}"
partitions="$(docker exec "${env_a}-kafka-lag-exporter" python -c 'from confluent_kafka.admin import AdminClient
print(len(AdminClient({"bootstrap.servers": "kafka:9092"}).list_topics("payments.events", timeout=10).topics["payments.events"].partitions))')" ||
  fail "${env_a}: could not describe payments.events"
[ "${partitions}" = 2 ] || fail "${env_a}: payments.events has ${partitions} partitions, expected 2 (run.kafka.topicPartitions)"
rerun="$(printf 'payments.events\n' | docker exec -i "${env_a}-kafka-lag-exporter" python /opt/pipewatch/create_topics.py \
  --bootstrap kafka:9092 --topics-file /dev/stdin --partitions 3 2>&1)" || fail "${env_a}: create_topics.py run again failed: ${rerun}"
[ "${rerun}" = 'create_topics: 1 declared, 1 already there, 0 created with 3 partitions and replication factor 1' ] ||
  fail "${env_a}: create_topics.py run again: ${rerun}"
pass "${env_a}: the stack's kafka-topics job created payments.events with ${partitions} partitions; run again it left it alone: ${rerun}"
# The job started after the stack created its topic (the kafka-topics job): healthy, and no restarts.
t0=$(date +%s)
until grep -qE "^${spark_job} \S+ healthy$" <<<"$(containers "${env_a}")" && [ "$(docker inspect -f '{{.State.Status}}' "${spark_job}")" = running ]; do
  [ $(($(date +%s) - t0)) -lt 180 ] || fail "${env_a}: the Spark job is not healthy within 180s: $(containers "${env_a}" | grep -- -spark-); its log: $(docker logs --tail 40 "${spark_job}" 2>&1 | grep -vE '^\s+(found|\[|::|-|\|)' | tail -n 15)"
  sleep 3
done
restarts_before="$(docker inspect -f '{{.RestartCount}}' "${spark_job}")"
topic_errors="$(docker logs "${spark_job}" 2>&1 | grep -c UnknownTopicOrPartition || true)"
out="$(check series --prometheus "http://127.0.0.1:${prom_a}" --timeout-s 120 \
  --expr 'up{job="spark-driver"} == 1' --expr 'up{job="spark-executors"} == 1' \
  --expr 'spark_streaming_latency_milliseconds{job="spark-driver",query="fraud_features"}' \
  --expr 'spark_streaming_input_rows_per_second{job="spark-driver",query="fraud_features"}' \
  --expr 'spark_executor_total_cores{job="spark-executors",app="fraud_features"} > 0')" || fail "${env_a}: Spark job series: ${out}"
pass "${env_a}: Spark job container healthy (restarts: ${restarts_before}; log lines naming UnknownTopicOrPartition: ${topic_errors}); its driver and executors scraped with the query's progress in $(($(date +%s) - t0))s: ${out}"
t0=$(date +%s)
produce_payments 300
read -r version1 files1 size1 <<<"$(delta_state)"
produce_payments 300
read -r version2 files2 size2 <<<"$(delta_state --expr "$(printf "${delta_table}" version) > ${version1}" \
  --expr "$(printf "${delta_table}" files) > ${files1}" --expr "$(printf "${delta_table}" size_bytes) > ${size1}")"
[ "$(docker inspect -f '{{.RestartCount}}' "${spark_job}")" = "${restarts_before}" ] || fail "${env_a}: the Spark job restarted while processing: $(docker logs --tail 40 "${spark_job}" 2>&1 | tail -n 15)"
pass "${env_a}: records through Kafka and the Spark job move the Delta table's metrics in Prometheus (via the Pushgateway) in $(($(date +%s) - t0))s: version ${version1} -> ${version2}, files ${files1} -> ${files2}, bytes ${size1} -> ${size2}"
# The job commits what it read to the pipeline's consumer group (streaming/group_offsets.py): the lag exporter
# reports the group's offsets past the 600 records, and no lag.
t0=$(date +%s)
out="$(check series --prometheus "http://127.0.0.1:${prom_a}" --timeout-s 120 \
  --expr 'sum(kafka_consumergroup_current_offset{consumergroup="fraud-features",topic="payments.events"}) >= 600' \
  --expr 'sum(kafka_consumergroup_lag{consumergroup="fraud-features",topic="payments.events"}) == 0')" ||
  fail "${env_a}: the Spark job's progress in its consumer group: ${out}"
pass "${env_a}: the Spark job's progress reaches its consumer group's offsets and lag in $(($(date +%s) - t0))s: ${out}"

# The log shipper reads the engine's json-file logs: Prometheus's start-up line, named by the tag log
# option, must reach the OTLP sink (Loki's stand-in) with its container name as service.name.
t0=$(date +%s)
out="$(check shipped --sink-container "${env_a}-otlp-sink" --service "${env_a}-prometheus" --contains "Server is ready to receive web requests" --timeout-s 120)" ||
  fail "${env_a}: container logs did not reach the OTLP sink through the log shipper: ${out}"
pass "${env_a}: container logs shipped in $(($(date +%s) - t0))s: ${out}"

# Traces: Jaeger (its tier image from the Airflow tier's build) healthy, and one OTLP span posted from inside
# the stack network (the webhook recorder's node) to the deployed collector reaches it through the traces pipeline.
t0=$(date +%s)
grep -qE "^${env_a}-jaeger \S+ healthy$" <<<"$(containers "${env_a}")" || fail "${env_a}: jaeger is not healthy: $(containers "${env_a}" | grep -- -jaeger)"
out="$(check trace --via "${env_a}-webhook-sink" --jaeger "${jaeger_a}" --environment "${env_a}" --timeout-s 60)" ||
  fail "${env_a}: the span did not reach Jaeger through the collector: ${out}"
pass "${env_a}: jaeger healthy; trace through the collector into Jaeger in $(($(date +%s) - t0))s: ${out}"
echo "NOT CHECKED ${env_a}: Airflow's own spans in the tier (the stack turns Airflow's traces on only with its logs switch, which the tier has off: no Loki image); npm run test:airflow checks them in Jaeger"

# Prometheus evaluates the stack's rules and Alertmanager routes to the webhook receiver: the always-firing
# Watchdog must reach the recorder (tier-app.ts) within two minutes.
sink_a="http://127.0.0.1:$((5080 + offset_a))/"
t0=$(date +%s)
out="$(check alert --sink "${sink_a}" --alert Watchdog --timeout-s 120)" || fail "${env_a}: no Watchdog alert reached the webhook receiver: ${out}"
pass "${env_a}: alerts delivered through Alertmanager to the webhook in $(($(date +%s) - t0))s: ${out}"

# A simulator scenario makes a pipeline fail: its PipelineRunFailed (for that dag_id) must reach the webhook (the simulator
# runs example_etl once a real minute at its default time scale; the rule has no `for`, group_wait is 30s).
out="$(check scenario --simulator "http://127.0.0.1:$((8000 + offset_a))" --sink "${sink_a}" --dag example_etl --kind fail \
  --alert PipelineRunFailed --timeout-s 240)" || fail "${env_a}: fail scenario: ${out}"
pass "${env_a}: fail scenario -> ${out}"

# --- Airflow, deployed on its tier image, running the example DAGs ---------------------------------------
# The generated admin password, from Terraform's state into a file only root reads (never printed).
airflow_password="${work}/airflow-admin-password"
(umask 077 && "${tf}" -chdir="${work}/${env_a}" show -json | node -e '
  const walk = (m) => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
  const all = walk(JSON.parse(require("fs").readFileSync(0, "utf8")).values.root_module);
  const found = all.filter((r) => r.type === "random_password" && /Airflow_AdminPassword/.test(r.address));
  if (found.length !== 1) { console.error(`expected one Airflow admin password in the state, found ${found.length}`); process.exit(1); }
  process.stdout.write(found[0].values.result);
' >"${airflow_password}") || fail "${env_a}: the Airflow admin password is not in Terraform's state"
airflow_containers="$(containers "${env_a}" | grep -- "-airflow-" || true)"
for component in init api-server scheduler dag-processor triggerer worker; do
  grep -qE "^${env_a}-airflow-${component} \S+ (healthy|completed)$" <<<"${airflow_containers}" ||
    fail "${env_a}: airflow-${component} is not healthy/completed: $(tr '\n' ';' <<<"${airflow_containers}")"
done
pass "${env_a}: airflow init job completed (migrations, admin user); api-server, scheduler, dag-processor, triggerer and celery worker healthy"
airflow_api="http://127.0.0.1:$((8080 + offset_a))"
example_dags="data_quality datalake_ingest example_etl ml_pipeline"
# ml_pipeline learns from a week of warehouse orders, which a new deployment does not have: its runs fail
# until example_etl has loaded that week, so the tier runs the other three.
run_dags="data_quality datalake_ingest example_etl"
out="$(check airflow-api --api "${airflow_api}" --password-file "${airflow_password}" --dags "${example_dags}" --timeout-s 180)" ||
  fail "${env_a}: airflow API: ${out}"
pass "${env_a}: airflow API on 127.0.0.1: ${out}"
t0=$(date +%s)
out="$(check airflow-runs --api "${airflow_api}" --password-file "${airflow_password}" --dags "${run_dags}" --worker "${env_a}-airflow-worker" \
  --prometheus "http://127.0.0.1:${prom_a}" --timeout-s 300)" || fail "${env_a}: airflow runs: ${out}"
pass "${env_a}: example DAGs ran on the celery worker through Redis in $(($(date +%s) - t0))s: ${out}"
echo "NOT CHECKED ${env_a}: a successful ml_pipeline run (it needs a week of warehouse orders; a new deployment has one hour)"

# The example DAGs' failure switch (Airflow Variable pipewatch_fail_dags) fails a real run: the metadata
# exporter reports it and PipelineRunFailed for that DAG reaches the webhook.
out="$(check airflow-failure --api "${airflow_api}" --password-file "${airflow_password}" --dag data_quality --sink "${sink_a}" \
  --alert PipelineRunFailed --timeout-s 300)" || fail "${env_a}: airflow failure: ${out}"
failure_notice="${out}"
pass "${env_a}: real DAG failure -> ${out}"

# --- a second deploy changes nothing ----------------------------------------------------------------
replans_nothing "${env_a}"

# --- a config change replaces only what it must, data kept ------------------------------------------
# A sample Prometheus holds before the change must still be there after it (the TSDB volume is kept).
before_ts=$(date +%s)
sleep 16 # one scrape interval, so the sample at before_ts exists
out="$(check sample --prometheus "http://127.0.0.1:${prom_a}" --at "${before_ts}")" || fail "${env_a}: before the change: ${out}"
ids_before="$(containers "${env_a}")"

synth "${env_a}" "${offset_a}" 7
run "${work}/change-plan-a.log" "${tf}" -chdir="${work}/${env_a}" plan -input=false -no-color -out=change.plan || fail "${env_a}: plan of the config change"
"${tf}" -chdir="${work}/${env_a}" show -json change.plan >"${work}/change-plan-a.json" || fail "${env_a}: show the config change's plan"
out="$(check replaces --plan "${work}/change-plan-a.json" --address '^docker_container\.Monitoring_Prometheus_[A-Z0-9]+$')" ||
  fail "${env_a}: the retention change: ${out}"
pass "${env_a}: retention change plans exactly: ${out}"
t0=$(date +%s)
run "${work}/change-apply-a.log" "${tf}" -chdir="${work}/${env_a}" apply -auto-approve -input=false -no-color change.plan || fail "${env_a}: apply of the config change"
pass "${env_a}: config change applied in $(($(date +%s) - t0))s"
all_healthy "${env_a}"
only_replaced "${env_a}" "${ids_before}" "$(containers "${env_a}")" "${env_a}-prometheus"
out="$(check sample --prometheus "http://127.0.0.1:${prom_a}" --at "${before_ts}")" ||
  fail "${env_a}: the Prometheus sample at ${before_ts} is gone after the change (data volume not kept): ${out}"
pass "${env_a}: Prometheus kept its data across the replacement (sample at ${before_ts} still answered)"
targets_up "${env_a}" "${prom_a}"

# --- one pipeline's rules change: exactly the containers that read the catalog are replaced ------------
ids_before="$(containers "${env_a}")"
synth "${env_a}" "${offset_a}" 7 45
run "${work}/rule-plan-a.log" "${tf}" -chdir="${work}/${env_a}" plan -input=false -no-color -out=rule.plan || fail "${env_a}: plan of the deadline change"
"${tf}" -chdir="${work}/${env_a}" show -json rule.plan >"${work}/rule-plan-a.json" || fail "${env_a}: show the deadline change's plan"
out="$(check replaces --plan "${work}/rule-plan-a.json" --address '^docker_container\.Monitoring_Prometheus_[A-Z0-9]+$' --address '^docker_container\.Monitoring_MetricsApp_[A-Z0-9]+$')" ||
  fail "${env_a}: one pipeline's deadline change: ${out}"
pass "${env_a}: one pipeline's deadline change plans exactly: ${out}"
run "${work}/rule-apply-a.log" "${tf}" -chdir="${work}/${env_a}" apply -auto-approve -input=false -no-color rule.plan || fail "${env_a}: apply of the deadline change"
all_healthy "${env_a}"
only_replaced "${env_a}" "${ids_before}" "$(containers "${env_a}")" "${env_a}-prometheus" "${env_a}-metrics-app"
targets_up "${env_a}" "${prom_a}"

# Replacing the Postgres container keeps the database (named volume).
pg="${env_a}-postgres"
docker exec "${pg}" psql -v ON_ERROR_STOP=1 -U postgres -d pipeline_history -qc \
  "CREATE TABLE tier_marker (id int); INSERT INTO tier_marker VALUES (42);" >/dev/null || fail "${env_a}: could not write to Postgres"
pg_addr="$("${tf}" -chdir="${work}/${env_a}" state list | grep -E '^docker_container\.Monitoring_Postgres_[A-Z0-9]+$')"
# The Spark job is replaced in the same apply: its checkpoint (on its data volume) must survive it.
spark_addr="$("${tf}" -chdir="${work}/${env_a}" state list | grep -E '^docker_container\..*_SparkJob_[A-Z0-9]+$')"
# spark_progress: "<Delta log entries> <last committed micro-batch>" in the job's volume.
spark_progress() {
  docker exec "${spark_job}" sh -c 'echo "$(ls /data/delta/fraud_features/_delta_log | grep -c "json$") $(ls /data/checkpoints/fraud_features/commits | sort -n | tail -n 1)"'
}
progress_before="$(spark_progress)"
run "${work}/replace-pg-a.log" "${tf}" -chdir="${work}/${env_a}" apply -auto-approve -input=false -no-color -replace="${pg_addr}" -replace="${spark_addr}" ||
  fail "${env_a}: replacing Postgres and the Spark job"
marker="$(docker exec "${pg}" psql -U postgres -d pipeline_history -tAc 'SELECT id FROM tier_marker')" || true
[ "${marker}" = "42" ] || fail "${env_a}: Postgres lost its data when its container was replaced (got '${marker}')"
pass "${env_a}: Postgres container replaced, data kept"
# Airflow's services lose their database connections with the old container; one that exits is restarted by
# Docker and must be healthy again within 3 minutes.
all_healthy "${env_a}" 180
# The new job's query running (its progress series at its driver), then three triggers: a job that lost its
# checkpoint would read the topic from the earliest offset again and commit to the table.
t0=$(date +%s)
until docker exec "${spark_job}" python3 -c "import urllib.request, sys; sys.exit('_streaming_fraud_features_latency_' not in urllib.request.urlopen('http://127.0.0.1:4040/metrics/prometheus/', timeout=4).read().decode())" 2>/dev/null; do
  [ $(($(date +%s) - t0)) -lt 120 ] || fail "${env_a}: the replaced Spark job's query did not start within 120s"
  sleep 2
done
sleep 30
progress_after="$(spark_progress)"
[ "${progress_after}" = "${progress_before}" ] ||
  fail "${env_a}: the replaced Spark job reprocessed the topic (Delta log entries, last batch: ${progress_before} -> ${progress_after}); its checkpoint was not kept"
produce_payments 300
read -r version3 _ <<<"$(delta_state --expr "$(printf "${delta_table}" version) > ${version2}")"
for _ in $(seq 1 15); do
  progress_after="$(spark_progress)"
  [ "${progress_after#* }" -gt "${progress_before#* }" ] && break
  sleep 2
done
[ "${progress_after#* }" -gt "${progress_before#* }" ] || fail "${env_a}: the replaced Spark job's batches did not continue its checkpoint (${progress_before} -> ${progress_after})"
pass "${env_a}: Spark job container replaced, checkpoint kept: no reprocessing in 30s, then new records continue it (Delta log entries, last batch: ${progress_before} -> ${progress_after}; version ${version2} -> ${version3})"

# --- a second environment beside the first ----------------------------------------------------------
synth "${env_b}" "${offset_b}"
run "${work}/init-b.log" "${tf}" -chdir="${work}/${env_b}" init -input=false -no-color || fail "${env_b}: init"
t0=$(date +%s)
run "${work}/apply-b.log" "${tf}" -chdir="${work}/${env_b}" apply -auto-approve -input=false -no-color || fail "${env_b}: deploy"
pass "${env_b}: deployed beside ${env_a} in $(($(date +%s) - t0))s"
all_healthy "${env_b}"
targets_up "${env_b}" "${prom_b}"
b_before="$(containers "${env_b}" | awk '{print $1, $2}')"

t0=$(date +%s)
destroy "${env_a}" || fail "${env_a}: destroy"
destroy_seconds=$(($(date +%s) - t0))
leftover="$(docker ps -aq --filter "label=pipewatch.environment=${env_a}"; docker network ls -q --filter "name=^${env_a}-"; docker volume ls -q --filter "name=^${env_a}-")"
[ -z "${leftover}" ] || fail "${env_a}: destroy left containers, networks or volumes behind: ${leftover//$'\n'/ }"
pass "${env_a}: destroyed in ${destroy_seconds}s; no container, network or volume of ${env_a} left"
[ "$(containers "${env_b}" | awk '{print $1, $2}')" = "${b_before}" ] || fail "${env_b}: containers changed when ${env_a} was destroyed"
all_healthy "${env_b}"
[ -n "$(docker network ls -q --filter "name=^${env_b}-net$")" ] && [ "$(docker volume ls -q --filter "name=^${env_b}-" | wc -l)" -gt 0 ] ||
  fail "${env_b}: its network or volumes went with ${env_a}"
pass "${env_b}: untouched by the destroy of ${env_a}"

destroy "${env_b}" || fail "${env_b}: destroy"
leftover="$(docker ps -aq; docker network ls -q --filter "name=^tier-"; docker volume ls -q)"
[ -z "${leftover}" ] || fail "engine: something is left after destroying both environments: ${leftover//$'\n'/ }"
pass "${env_b}: destroyed; the engine has no container, tier network or volume left"

echo
echo "== docker tier timings"
echo "   deploy (apply start -> every container healthy): ${deploy_seconds}s"
echo "   re-deploy plan (no changes):                     ${replan_seconds}s"
echo "   real DAG failure -> notification:                ${failure_notice##* at the webhook }"
echo "   destroy:                                          ${destroy_seconds}s"
echo "   whole tier:                                       $(($(date +%s) - tier_started))s"
echo "docker tier: all checks passed"
