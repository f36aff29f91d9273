#!/usr/bin/env bash
# Remote tier: the `remote-<env>` stack applied for real to a second Docker engine, as on another machine.
#   a network namespace with a veth pair on a test network of its own (TEST_NET, a benchmarking range)
#   -> a dockerd inside it on tcp://ENGINE_ADDR:2376 with --tlsverify; CA, server and client certificates
#      made here with openssl (nothing kept)
#   -> the docker tier's images (scripts/docker-tier/build-images.sh, cached by input hash, in the docker
#      tier's private engine) copied in with docker save | docker load: the remote engine has no registry
#   -> terraform apply of the synthesized stack (tests/remote/tier-app.ts) with docker_host and the PEMs as
#      sensitive TF_VAR_ variables -> every container healthy, the DAG files inside the Airflow containers
#   -> a re-plan has no changes -> a client certificate of another CA is refused (the error is printed)
#   -> destroy leaves no container, volume or network on the engine
#   -> the same over ssh:// to Debian's sshd in the namespace (a key made here), or NOT CHECKED with why.
# Everything it starts (namespace, veth, engines, sshd, temp dirs) is removed on exit, also on failure.
#
# Environment: PIPEWATCH_PROVIDER_SOURCE=release|snapshot (scripts/install-terraform-toolchain.sh);
#   PIPEWATCH_REMOTE_TIER_TIMEOUT  seconds for the whole tier (default 1200).
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "${repo_root}"
cache="${HOME}/.cache/pipewatch"
export PIPEWATCH_PROVIDER_SOURCE="${PIPEWATCH_PROVIDER_SOURCE:-release}"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
tier_started=$(date +%s)
tier_limit=${PIPEWATCH_REMOTE_TIER_TIMEOUT:-1200}

# shellcheck source=../docker-tier/engine.sh
source "${repo_root}/scripts/docker-tier/engine.sh"
# shellcheck source=../docker-tier/tier-lib.sh
source "${repo_root}/scripts/docker-tier/tier-lib.sh"

# The docker tier's engine and this one must not run beside another on one machine (engine paths,
# bridge subnets): the same lock as `flock /tmp/pipewatch-docker-tier.lock npm run test:docker`. Run
# under that command already, an ancestor holds the lock file open; otherwise take it here (bounded).
lock_file=/tmp/pipewatch-docker-tier.lock
held_by_ancestor() {
  local pid=$PPID
  while [ "${pid}" -gt 1 ]; do
    [ -n "$(find "/proc/${pid}/fd" -lname "${lock_file}" -print -quit 2>/dev/null)" ] && return 0
    # /proc/PID/stat is "PID (COMMAND) STATE PPID …", and COMMAND may hold spaces ("npm run test:re").
    pid="$(awk '{sub(/.*\) /, ""); print $2}' "/proc/${pid}/stat" 2>/dev/null || echo 1)"
  done
  return 1
}
if ! held_by_ancestor; then
  exec 9>"${lock_file}"
  flock -w 1800 9 || fail "lock: ${lock_file} still held after 30 min (another engine tier is running)"
  echo "lock: ${lock_file} taken after $(($(date +%s) - tier_started))s"
fi
tier_started=$(date +%s) # the tier's own time, without the wait for the lock
tier_deadline=$((tier_started + tier_limit))

work="$(mktemp -d /tmp/pw-remote-tier.XXXXXX)"
remote_dir="$(mktemp -d /tmp/pw-remote-engine.XXXXXX)"
# The test network: 198.18.0.0/15 is reserved for benchmarking (RFC 2544), so no real network uses it.
ns="pw-remote-$$" veth_host="pwr$$h" veth_ns="pwr$$n"
host_addr=198.18.77.1 engine_addr=198.18.77.2
tls_host="tcp://${engine_addr}:2376"
env_name=rtier
remote_pid="" sshd_pid=""

# Every docker command from here on, unless an engine is named: the remote engine over mutual TLS.
remote_env() { export DOCKER_HOST="${tls_host}" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="${work}/client"; }

cleanup() {
  local rc=$?
  set +e
  if [ -n "${remote_pid}" ]; then
    if [ ${rc} -ne 0 ]; then
      echo "-- remote engine's containers at failure:"
      DOCKER_HOST="unix://${remote_dir}/docker.sock" docker ps -a --format '{{.Names}}\t{{.Status}}' 2>/dev/null | sed 's/^/   /'
    fi
    DOCKER_HOST="unix://${remote_dir}/docker.sock" DOCKER_TLS_VERIFY='' dockerd_stop "${remote_pid}" "${remote_dir}"
  fi
  rm -rf "${remote_dir}"
  [ -n "${sshd_pid}" ] && kill "${sshd_pid}" 2>/dev/null && wait "${sshd_pid}" 2>/dev/null
  DOCKER_TLS_VERIFY='' engine_stop
  ip netns del "${ns}" 2>/dev/null
  ip link del "${veth_host}" 2>/dev/null
  rm -rf "${work}"
  exit ${rc}
}
trap cleanup EXIT

echo "== remote tier (providers: ${PIPEWATCH_PROVIDER_SOURCE})"
bash scripts/install-terraform-toolchain.sh docker random || fail "toolchain: a provider the stack requires could not be built (error above)"
set -a
# shellcheck disable=SC1091
source "${cache}/toolchain.env"
set +a
# Terraform reaches the engine through the stack's variables only: the docker client's DOCKER_* settings
# of this script (the Docker provider reads them as defaults) are removed from its environment.
mkdir -p "${work}/bin"
printf '#!/bin/sh\nexec env -u DOCKER_HOST -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH "%s" "$@"\n' "${TF_BIN}" >"${work}/bin/terraform"
chmod +x "${work}/bin/terraform"
tf="${work}/bin/terraform"

# --- certificates: a CA, the engine's server certificate (its address as SAN), a client certificate, and
# a client certificate of another CA that the engine must refuse ----------------------------------------
certs() { # DIR CN EXTENSIONS [CA_DIR]: key.pem and cert.pem in DIR, self-signed when no CA_DIR
  local dir="$1" cn="$2" ext="$3" ca="${4:-}"
  mkdir -p "${dir}"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=${cn}" \
    -keyout "${dir}/key.pem" -out "${dir}/req.csr" 2>/dev/null
  if [ -z "${ca}" ]; then
    openssl x509 -req -in "${dir}/req.csr" -signkey "${dir}/key.pem" -days 1 -out "${dir}/cert.pem" \
      -extfile <(printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n') 2>/dev/null
  else
    openssl x509 -req -in "${dir}/req.csr" -CA "${ca}/cert.pem" -CAkey "${ca}/key.pem" -CAcreateserial -days 1 \
      -out "${dir}/cert.pem" -extfile <(printf '%b' "${ext}") 2>/dev/null
  fi
  chmod 600 "${dir}/key.pem"
}
(
  umask 077
  certs "${work}/ca" pipewatch-test-ca ""
  certs "${work}/server" remote-engine "subjectAltName=IP:${engine_addr}\nextendedKeyUsage=serverAuth\n" "${work}/ca"
  certs "${work}/client" deployer "extendedKeyUsage=clientAuth\n" "${work}/ca"
  certs "${work}/other-ca" another-ca ""
  certs "${work}/rogue" deployer "extendedKeyUsage=clientAuth\n" "${work}/other-ca"
  cp "${work}/ca/cert.pem" "${work}/client/ca.pem"
  cp "${work}/ca/cert.pem" "${work}/rogue/ca.pem"
) || fail "certificates: openssl failed"
openssl verify -CAfile "${work}/ca/cert.pem" "${work}/server/cert.pem" "${work}/client/cert.pem" >/dev/null ||
  fail "certificates: the server and client certificates do not verify against the test CA"
pass "certificates: test CA, server (SAN IP:${engine_addr}) and client certificates made with openssl; a client certificate of another CA"

# --- the images, built (or loaded from the cache) in the docker tier's engine ----------------------------
t0=$(date +%s)
engine_start
bash scripts/docker-tier/build-images.sh "${work}/images.json" || fail "images: could not build the tier's images"
pass "images ready in the docker tier's engine in $(($(date +%s) - t0))s"

# --- the remote engine: a network namespace, a veth pair, dockerd with --tlsverify ----------------------
[ -z "$(ip -o addr show to "${host_addr}/30")" ] || fail "network: the host has an address in ${host_addr}/30 already"
ip netns add "${ns}"
ip link add "${veth_host}" type veth peer name "${veth_ns}"
ip link set "${veth_ns}" netns "${ns}"
ip addr add "${host_addr}/30" dev "${veth_host}"
ip link set "${veth_host}" up
ip -n "${ns}" addr add "${engine_addr}/30" dev "${veth_ns}"
ip -n "${ns}" link set "${veth_ns}" up
ip -n "${ns}" link set lo up
t0=$(date +%s)
# The unix socket serves the tier's own clean-up and the ssh:// check (what `docker system dial-stdio` on
# the engine's host connects to); everything else uses the TLS endpoint.
DOCKER_HOST="${tls_host}" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="${work}/client" \
  dockerd_start "${remote_dir}" nsenter "--net=/run/netns/${ns}" -- \
  --host "${tls_host}" --host "unix://${remote_dir}/docker.sock" \
  --tlsverify --tlscacert "${work}/ca/cert.pem" --tlscert "${work}/server/cert.pem" --tlskey "${work}/server/key.pem" ||
  fail "remote engine: dockerd did not start in namespace ${ns}"
remote_pid=${DOCKERD_PID}
pass "remote engine: dockerd in network namespace ${ns} on ${tls_host} with --tlsverify, answering the test client in $(($(date +%s) - t0))s"

# --- synth, and the images the stack uses copied into the remote engine -----------------------------------
run "${work}/synth.log" env PIPEWATCH_ENV="${env_name}" PIPEWATCH_IMAGES_FILE="${work}/images.json" \
  npx --no-install cdktf synth --app "npx ts-node --transpile-only tests/remote/tier-app.ts" --output "${work}/out" || fail "synth"
stack_out="${work}/out/stacks/remote-${env_name}"
# stack_dir NAME: a Terraform directory of the synthesized stack with its own state.
stack_dir() {
  local dir="${work}/$1"
  mkdir -p "${dir}"
  cp -r "${stack_out}/cdk.tf.json" "${stack_out}/assets" "${dir}/"
  node tests/terraform/write-override.js "${dir}" "${dir}/terraform.tfstate" "${PIPEWATCH_PROVIDER_SOURCE}" >/dev/null || fail "$1: override file"
  run "${work}/init-$1.log" "${tf}" -chdir="${dir}" init -input=false -no-color || fail "$1: init"
}
mapfile -t refs < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).resource.docker_image;
  for (const i of Object.values(r)) console.log(i.name);' "${stack_out}/cdk.tf.json")
[ ${#refs[@]} -gt 0 ] || fail "synth: the stack names no image"
t0=$(date +%s)
set +e
timeout "$(left)" bash -c 'set -o pipefail; docker save "$@" | DOCKER_HOST="'"${tls_host}"'" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="'"${work}/client"'" docker load -q' _ "${refs[@]}" >"${work}/load.log" 2>&1
code=$?
set -e
[ ${code} -eq 0 ] || { sed 's/^/    /' "${work}/load.log" | tail -n 20; fail "images: docker save | docker load into the remote engine failed"; }
size="$(docker image inspect -f '{{.Size}}' "${refs[@]}" | awk '{s += $1} END {printf "%.1f GB", s / 1e9}')"
engine_stop
remote_env
pass "images: ${#refs[@]} images (${size} unpacked) copied into the remote engine over TLS in $(($(date +%s) - t0))s: ${refs[*]}"

# --- deploy over tcp:// with mutual TLS ------------------------------------------------------------------
# The engine address and PEMs reach Terraform as sensitive variables from the environment only.
TF_VAR_docker_ca_pem="$(cat "${work}/ca/cert.pem")"
TF_VAR_docker_cert_pem="$(cat "${work}/client/cert.pem")"
TF_VAR_docker_key_pem="$(cat "${work}/client/key.pem")"
export TF_VAR_docker_host="${tls_host}" TF_VAR_docker_ca_pem TF_VAR_docker_cert_pem TF_VAR_docker_key_pem
stack_dir tls
t0=$(date +%s)
run "${work}/apply-tls.log" "${tf}" -chdir="${work}/tls" apply -auto-approve -input=false -no-color || fail "tls: deploy"
all_healthy "${env_name}"
deploy_seconds=$(($(date +%s) - t0))
pass "tls: remote-${env_name} deployed over ${tls_host}, every container healthy, in ${deploy_seconds}s ($(grep -E '^Apply complete' "${work}/apply-tls.log"))"

# dags_uploaded: every file of airflow/dags, byte for byte, in each Airflow container that reads DAGs.
dags_uploaded() {
  local want got c
  want="$(cd airflow/dags && find . -type f ! -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum)"
  for c in dag-processor scheduler worker; do
    got="$(docker exec "${env_name}-airflow-${c}" bash -c "cd /opt/airflow/dags && find . -type f ! -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum")" ||
      fail "$1: could not list the DAG files in ${env_name}-airflow-${c}"
    [ "${got}" = "${want}" ] || fail "$1: the DAG files in ${env_name}-airflow-${c} differ from airflow/dags: $(diff <(echo "${want}") <(echo "${got}") | tr '\n' ';')"
  done
  pass "$1: the $(wc -l <<<"${want}") files of airflow/dags uploaded, identical (sha256), in airflow-dag-processor, -scheduler and -worker under /opt/airflow/dags"
}
dags_uploaded tls
replans_nothing tls

# The PEMs went through the environment only: no file Terraform wrote (configuration, state, plan
# output, logs) holds a line of the client key.
key_line="$(sed -n 2p "${work}/client/key.pem")"
! grep -rqF -- "${key_line}" "${work}/tls" "${work}"/*.log || fail "tls: the client key appears in the stack directory or a log"
pass "tls: the client key is in no file of the stack directory (configuration, state) nor in any log"

# --- a client certificate of another CA is refused ------------------------------------------------------
if out="$(DOCKER_CERT_PATH="${work}/rogue" timeout 60 docker version --format '{{.Server.Version}}' 2>&1)"; then
  fail "tls: the engine answered a client certificate of another CA: ${out}"
fi
grep -qiE 'certificate|tls' <<<"${out}" || fail "tls: refused, but the error says nothing of certificates: ${out}"
pass "tls: docker CLI with a client certificate of another CA refused; it shows: $(tr '\n' ' ' <<<"${out}")"
set +e
TF_VAR_docker_cert_pem="$(cat "${work}/rogue/cert.pem")" TF_VAR_docker_key_pem="$(cat "${work}/rogue/key.pem")" \
  timeout "$(left)" "${tf}" -chdir="${work}/tls" plan -input=false -no-color -lock=false >"${work}/rogue-plan.log" 2>&1
code=$?
set -e
[ ${code} -ne 0 ] || fail "tls: terraform planned with a client certificate of another CA"
# Every resource repeats the same error; the first one, up to its "with <resource>" line, is what to show.
# awk reads the log itself: a writer before an awk that exits early would die of SIGPIPE (pipefail).
error="$(awk '{sub(/^│ */, "")} /^Error:/ {on = 1} on && /^[[:space:]]*with / {exit} on && NF' "${work}/rogue-plan.log" | tr '\n' ' ')"
grep -qiE 'certificate|tls' <<<"${error}" || { sed 's/^/    /' "${work}/rogue-plan.log" | tail -n 20; fail "tls: terraform failed with a client certificate of another CA, but not with a certificate error"; }
pass "tls: terraform with a client certificate of another CA refused; it shows: ${error}"

# --- destroy: nothing of the environment left on the remote engine --------------------------------------
# nothing_left WHAT: the engine has no container, no volume and no network but its built-in host/none.
nothing_left() {
  local leftover
  leftover="$(docker ps -aq; docker volume ls -q; docker network ls --format '{{.Name}}' | { grep -vxE 'host|none' || true; })" ||
    fail "$1: could not list what is left on the remote engine"
  [ -z "${leftover}" ] || fail "$1: destroy left containers, volumes or networks on the remote engine: ${leftover//$'\n'/ }"
}
t0=$(date +%s)
destroy tls || fail "tls: destroy"
destroy_seconds=$(($(date +%s) - t0))
nothing_left tls
pass "tls: destroyed in ${destroy_seconds}s; the remote engine has no container, volume or network left (docker CLI over TLS)"

# --- ssh:// : Debian's sshd in the namespace, the provider's ssh client, a key made here ----------------
ssh_result="NOT CHECKED"
# shellcheck source=ssh-engine.sh
source "${repo_root}/scripts/remote-tier/ssh-engine.sh"
if ssh_engine_start; then
  export TF_VAR_docker_host="ssh://root@${engine_addr}" TF_VAR_docker_ca_pem="" TF_VAR_docker_cert_pem="" TF_VAR_docker_key_pem=""
  export PATH="${ssh_bin}:${PATH}"
  stack_dir ssh
  t0=$(date +%s)
  run "${work}/apply-ssh.log" "${tf}" -chdir="${work}/ssh" apply -auto-approve -input=false -no-color || fail "ssh: deploy"
  all_healthy "${env_name}"
  ssh_deploy_seconds=$(($(date +%s) - t0))
  pass "ssh: remote-${env_name} deployed over ssh://root@${engine_addr}, every container healthy, in ${ssh_deploy_seconds}s"
  dags_uploaded ssh
  replans_nothing ssh
  t0=$(date +%s)
  destroy ssh || fail "ssh: destroy"
  nothing_left ssh
  pass "ssh: destroyed in $(($(date +%s) - t0))s; the remote engine has no container, volume or network left"
  ssh_result="deploy ${ssh_deploy_seconds}s"
else
  echo "NOT CHECKED ssh: ${ssh_engine_reason}"
fi

echo
echo "== remote tier timings"
echo "   deploy over TLS (apply start -> every container healthy): ${deploy_seconds}s"
echo "   re-deploy plan (no changes):                              ${replan_seconds}s"
echo "   destroy:                                                   ${destroy_seconds}s"
echo "   ssh:// engine:                                             ${ssh_result}"
echo "   whole tier:                                                $(($(date +%s) - tier_started))s"
echo "remote tier: all checks passed"
