#!/usr/bin/env bash
# Runs the later tiers' installs ahead of them: scripts/test-all.sh starts this in the background, at the
# lowest CPU and I/O priority, while the first tiers run. On a cold machine the long builds (kube-apiserver
# and the Prometheus Operator, the providers, the Python venvs) then overlap tiers that mostly wait on
# alert timers, instead of running one after another; on a warm machine every step finds its cache and
# takes a second. Every install locks its cache entry, so a tier that reaches one still being built waits
# for it instead of building it twice. A failure here decides nothing: the tier runs the same install and
# fails there, with the error. Prints one line per step with its time.
set -uo pipefail
cd "$(dirname "$0")/.."

step() {
  local label="$1" started=$SECONDS
  shift
  if "$@" >/dev/null 2>&1; then
    echo "prebuild: ${label} ready in $((SECONDS - started))s"
  else
    echo "prebuild: ${label} failed after $((SECONDS - started))s (its tier installs it again and reports the error)"
  fi
}

# Downloads first (they overlap the foreground's compiles best), then the long compiles, which get the CPU
# while the tiers wait on alert timers.
step "streaming jars and venv" bash scripts/install-streaming.sh
step "dbt venv" bash scripts/install-dbt.sh
step "k8s tools (kube-apiserver, Prometheus Operator)" bash scripts/install-k8s-tools.sh
step "live tools (Prometheus, Alertmanager, exporters)" bash scripts/install-live-tools.sh
step "Terraform providers" env PIPEWATCH_PROVIDER_SOURCE=snapshot bash scripts/install-terraform-toolchain.sh docker random
