#!/usr/bin/env bash
# The k8s tier (docs/kubernetes.md): a real kube-apiserver with etcd on loopback, the Prometheus
# Operator's CRDs installed, every object of the k8s target created with strict server-side field
# validation, and the operator's generated configs checked with amtool and promtool. Installs (and
# caches) its tools first; extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the tier once its tools are built; it takes about two minutes.
time_limit="${PIPEWATCH_K8S_TIME_LIMIT:-10m}"

bash scripts/install-k8s-tools.sh >/dev/null
bash scripts/sandboxed-jest.sh k8s-tier tests/k8s-api/jest.config.js "${time_limit}" "$@"
echo "NOT CHECKED k8s: Prometheus, Alertmanager and Grafana running in a cluster with these objects (no kubelet runs pods here; the operator's generated configs are checked with promtool and amtool instead)"
echo "NOT CHECKED k8s: the Helm values against the Airflow and kube-prometheus-stack charts (no reachable registry serves the charts)"
echo "NOT CHECKED k8s: terraform plan (the target is plain manifests; see docs/kubernetes.md)"
