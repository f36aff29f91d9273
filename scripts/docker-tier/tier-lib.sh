#!/usr/bin/env bash
# Helpers of the tiers that deploy to a real Docker engine (scripts/docker-tier/run.sh,
# scripts/remote-tier/run.sh): PASS/FAIL lines, one time limit for the whole tier, bounded steps whose
# output is shown only on failure, and the health of an environment's containers.
# The sourcing script sets tier_limit (seconds) and tier_deadline (epoch seconds) first, and work (its temp
# dir, one Terraform directory per environment in it) and tf (the CLI); `docker` talks to whatever engine
# the environment points it at.

pass() { echo "PASS $*"; }
fail() {
  echo "FAIL $*"
  exit 1
}
left() { # seconds left before the tier's deadline; 1 once it has passed, so the step times out and fails
  local s=$((tier_deadline - $(date +%s)))
  if [ ${s} -le 0 ]; then
    echo "FAIL tier: over its time limit of ${tier_limit}s" >&2
    s=1
  fi
  echo ${s}
}
# Runs a command with a time bound (default: what is left); output to a log, shown on failure.
run() { # log cmd...
  local log="$1"
  shift
  if ! timeout "$(left)" "$@" >"${log}" 2>&1; then
    sed 's/^/    /' "${log}" | tail -n 60
    return 1
  fi
}

# containers ENV: "name id health" of every container of that environment; a one-shot job (restart
# policy "no") that exited 0 is "completed".
containers() {
  docker ps -a --filter "label=pipewatch.environment=$1" --format '{{.Names}} {{.ID}}' | sort |
    while read -r name id; do
      echo "${name} ${id} $(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else if and (eq .HostConfig.RestartPolicy.Name "no") (eq .State.Status "exited") (eq .State.ExitCode 0)}}completed{{else}}{{.State.Status}}({{.State.ExitCode}}){{end}}' "${id}")"
    done
}

# all_healthy ENV [WAIT_S]: every service of the environment reports healthy, every job completed. With WAIT_S,
# services that Docker restarts by themselves (after a dependency was replaced) get that long to be healthy again.
all_healthy() {
  local list bad t0
  t0=$(date +%s)
  while :; do
    list="$(containers "$1")"
    [ -n "${list}" ] || fail "$1: no containers"
    bad="$(awk '$3 != "healthy" && $3 != "completed"' <<<"${list}")"
    [ -n "${bad}" ] || break
    [ $(($(date +%s) - t0)) -lt "${2:-0}" ] || fail "$1: not healthy: $(tr '\n' ';' <<<"${bad}")"
    sleep 3
  done
  pass "$1: $(awk '$3 == "healthy"' <<<"${list}" | wc -l) containers healthy, $(awk '$3 == "completed"' <<<"${list}" | wc -l) jobs completed${2:+ within $(($(date +%s) - t0))s} ($(awk '{print $1}' <<<"${list}" | tr '\n' ' '))"
}

# destroy ENV: terraform destroy. This engine sometimes keeps a network "pending" after its last
# container went, past the provider's 30 s wait (once twice in a row); another destroy then finishes the
# job. Up to three attempts, each said loudly; the leftover checks after it still decide.
destroy() {
  local env="$1" attempt
  run "${work}/destroy-${env}.log" "${tf}" -chdir="${work}/${env}" destroy -auto-approve -input=false -no-color && return 0
  for attempt in 2 3; do
    echo "RETRY ${env}: destroy did not finish (output above); destroy attempt ${attempt} of 3"
    sleep 10
    run "${work}/destroy-${env}-${attempt}.log" "${tf}" -chdir="${work}/${env}" destroy -auto-approve -input=false -no-color && return 0
  done
  return 1
}

# replans_nothing ENV: a second plan of the deployed environment has no changes; sets replan_seconds.
replans_nothing() {
  local env="$1" code t0
  t0=$(date +%s)
  set +e
  timeout "$(left)" "${tf}" -chdir="${work}/${env}" plan -detailed-exitcode -input=false -no-color >"${work}/replan-${env}.log" 2>&1
  code=$?
  set -e
  replan_seconds=$(($(date +%s) - t0))
  case ${code} in
    0) pass "${env}: re-deploy plans no changes (${replan_seconds}s)" ;;
    2) { grep -E '^\s+# |must be replaced|will be updated' "${work}/replan-${env}.log" || true; } | awk 'NR <= 40 {print "    " $0}'
       fail "${env}: re-deploy plans changes (above)" ;;
    *) sed 's/^/    /' "${work}/replan-${env}.log" | tail -n 40; fail "${env}: re-deploy plan failed" ;;
  esac
}
