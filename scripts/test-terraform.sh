#!/usr/bin/env bash
# Terraform tier: every stack main.ts synthesizes, checked by the real CLI with the real providers,
# offline (providers come from the mirror scripts/install-terraform-toolchain.sh builds).
#   1. synth (PIPEWATCH_ENV=ci) into a temp dir, so a developer's cdktf.out is left alone;
#   2. build the providers the stacks require, at the versions they pin;
#   3. per stack: init -backend=false, validate, then plan with a local backend in the temp dir.
#      Plan needs no Docker engine: the docker provider connects only when it reads or changes a
#      resource, and an empty state has none to read (checked: the plan of the local stack passes with
#      nothing at /var/run/docker.sock, and the remote stack's with docker_host=ssh://…@127.0.0.1:1).
#      The docker tier (scripts/docker-tier/run.sh) plans and applies against a real engine.
# Prints PASS/FAIL per step and a summary table; exits non-zero on any FAIL.
#
# Environment: PIPEWATCH_PROVIDER_SOURCE=release|snapshot (see install-terraform-toolchain.sh);
#   PIPEWATCH_TF_STACKS=local-ci,remote-ci checks only those stacks; every other one is listed as SKIP
#   in the output and the summary (default: all stacks); PIPEWATCH_STREAMING (stacks/environments.ts)
#   defaults to run here, so the stacks are planned with Kafka, Spark and MLflow, the most they create.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "${repo_root}"
cache="${HOME}/.cache/pipewatch"
source_mode="${PIPEWATCH_PROVIDER_SOURCE:-release}"
export PIPEWATCH_PROVIDER_SOURCE="${source_mode}"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
export PIPEWATCH_ENV="${PIPEWATCH_ENV:-ci}"
export PIPEWATCH_STREAMING="${PIPEWATCH_STREAMING:-run}"
started_all=$(date +%s)

work="$(mktemp -d /tmp/pw-terraform.XXXXXX)"
trap 'rm -rf "${work}"' EXIT

declare -A result
fails=0
record() { # stack step status detail
  result["$1/$2"]="$3"
  printf '%-4s %-12s %-9s %s\n' "$3" "$1" "$2" "$4"
  [ "$3" != "FAIL" ] || fails=$((fails + 1))
}
# Runs a step with a time bound; its output goes to a log, shown on failure.
step() { # stack step log cmd...
  local stack="$1" name="$2" log="$3"
  shift 3
  local t0
  t0=$(date +%s)
  if timeout 600 "$@" >"${log}" 2>&1; then
    record "${stack}" "${name}" PASS "($(($(date +%s) - t0))s)"
    return 0
  fi
  record "${stack}" "${name}" FAIL "($(($(date +%s) - t0))s) output:"
  sed 's/^/    /' "${log}" | tail -n 60
  return 1
}

echo "== terraform tier: environment ${PIPEWATCH_ENV} (streaming: ${PIPEWATCH_STREAMING}), providers from ${source_mode}"
echo "== synth"
if ! timeout 600 npm run --silent synth -- --output "${work}/cdktf.out" >"${work}/synth.log" 2>&1; then
  cat "${work}/synth.log"
  echo "FAIL synth: npm run synth failed (output above)"
  exit 1
fi
stacks=()
skipped=()
for dir in "${work}"/cdktf.out/stacks/*/; do
  name="$(basename "${dir}")"
  if [ -n "${PIPEWATCH_TF_STACKS:-}" ] && [[ ",${PIPEWATCH_TF_STACKS}," != *",${name},"* ]]; then
    skipped+=("${name}")
  else
    stacks+=("${name}")
  fi
done
for name in "${skipped[@]}"; do echo "SKIP ${name}: not in PIPEWATCH_TF_STACKS=${PIPEWATCH_TF_STACKS} (why a stack is left out: docs/deploy.md)"; done
[ ${#stacks[@]} -gt 0 ] || { echo "FAIL synth: no stack to check in cdktf.out/stacks"; exit 1; }
echo "PASS synth: checking ${stacks[*]}"

echo "== toolchain"
# The provider versions the stacks pin, as name=version for the installer.
mapfile -t wanted < <(node -e '
  const fs = require("fs"), seen = new Set();
  for (const f of process.argv.slice(1)) {
    const rp = JSON.parse(fs.readFileSync(`${f}/cdk.tf.json`, "utf8")).terraform?.required_providers ?? {};
    for (const p of Object.values(rp)) seen.add(`${p.source.split("/").pop()}=${p.version}`);
  }
  console.log([...seen].sort().join("\n"));' "${stacks[@]/#/${work}/cdktf.out/stacks/}")
# A provider that cannot be built fails the stacks that need it (below); the others are still checked.
toolchain_ok=1
bash scripts/install-terraform-toolchain.sh "${wanted[@]}" || toolchain_ok=0
# Exported, so the override step below sees the PROVIDER_<NAME> versions.
set -a
# shellcheck disable=SC1091
source "${cache}/toolchain.env"
set +a
[ -n "${TF_BIN:-}" ] || { echo "FAIL toolchain: no Terraform-compatible CLI"; exit 1; }
tf="${TF_BIN}"

for stack in "${stacks[@]}"; do
  echo "== ${stack}"
  dir="${work}/stacks/${stack}"
  missing="$(node -e '
    const rp = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).terraform?.required_providers ?? {};
    console.log(Object.entries(rp).filter(([n]) => !process.env[`PROVIDER_${n.toUpperCase()}`]).map(([, p]) => `${p.source} ${p.version}`).join(", "));
  ' "${work}/cdktf.out/stacks/${stack}/cdk.tf.json")"
  if [ -n "${missing}" ]; then
    record "${stack}" init FAIL "provider not available: ${missing} (build error in the toolchain output above)"
    continue
  fi
  mkdir -p "${work}/stacks"
  cp -r "${work}/cdktf.out/stacks/${stack}" "${dir}"
  # State in the temp dir; with snapshot providers, the versions actually built (SUBSTITUTED lines).
  node tests/terraform/write-override.js "${dir}" "${dir}/terraform.tfstate" "${source_mode}" || {
    record "${stack}" init FAIL "(override file could not be written)"
    continue
  }

  step "${stack}" init "${dir}/init.log" "${tf}" -chdir="${dir}" init -backend=false -input=false -no-color || continue
  step "${stack}" validate "${dir}/validate.log" "${tf}" -chdir="${dir}" validate -no-color || continue
  # Deprecations and other warnings pass validate; they are shown so they get fixed before they break.
  if grep -q '^Warning' "${dir}/validate.log"; then sed 's/^/    /' "${dir}/validate.log"; fi

  # Plan needs the backend initialized: the override's local state in the temp dir.
  if ! timeout 300 "${tf}" -chdir="${dir}" init -reconfigure -input=false -no-color >"${dir}/init-plan.log" 2>&1; then
    record "${stack}" plan FAIL "(init with the local backend failed) output:"
    sed 's/^/    /' "${dir}/init-plan.log" | tail -n 40
    continue
  fi
  # The remote stack's engine: a loopback port nothing listens on, never contacted by the plan.
  vars=()
  if node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1])).variable?.docker_host ? 0 : 1)' "${dir}/cdk.tf.json"; then
    vars+=(-var "docker_host=ssh://pipewatch@127.0.0.1:1")
  fi
  if step "${stack}" plan "${dir}/plan.log" "${tf}" -chdir="${dir}" plan -input=false -no-color -lock=false -out=plan.bin "${vars[@]}"; then
    echo "     $(grep -E '^Plan:|No changes' "${dir}/plan.log" | awk 'NR == 1')"
  fi
done

echo
echo "== summary (providers: ${source_mode}; $(($(date +%s) - started_all))s)"
printf '%-16s %-8s %-8s %-8s\n' stack init validate plan
for stack in "${stacks[@]}"; do
  printf '%-16s %-8s %-8s %-8s\n' "${stack}" "${result[${stack}/init]:--}" "${result[${stack}/validate]:--}" "${result[${stack}/plan]:--}"
done
for name in "${skipped[@]}"; do printf '%-16s %-8s %-8s %-8s\n' "${name}" SKIP SKIP SKIP; done
[ "${source_mode}" = "release" ] || echo "NOTE providers were snapshot builds, not the pinned releases (SUBSTITUTED lines above)"
[ "${toolchain_ok}" = 1 ] || echo "FAIL toolchain: at least one provider the stacks require could not be built"
if [ "${fails}" -gt 0 ] || [ "${toolchain_ok}" != 1 ]; then
  echo "terraform tier: ${fails} step(s) failed"
  exit 1
fi
echo "terraform tier: all steps passed${skipped[0]:+ (not checked: ${skipped[*]})}"
