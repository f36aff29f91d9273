#!/usr/bin/env bash
# The k8s tier (docs/kubernetes.md): a real kube-apiserver with etcd on loopback, the Prometheus
# Operator's CRDs installed, and every object of the k8s target created with strict server-side
# field validation. Installs (and caches) its tools first; extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the tier once its tools are built; it takes about a minute.
time_limit="${PIPEWATCH_K8S_TIME_LIMIT:-10m}"

bash scripts/install-k8s-tools.sh >/dev/null
exec bash scripts/sandboxed-jest.sh k8s-tier tests/k8s-api/jest.config.js "${time_limit}" "$@"
