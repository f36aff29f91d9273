#!/usr/bin/env bash
# What the k8s tier (scripts/test-k8s.sh) runs, installed and cached; prints one `name=path` line each:
#   kube_apiserver  built from k8s.io/kubernetes through tools/kube-apiserver (scripts/install-kube-apiserver.sh)
#   etcd            Debian's etcd-server (3.4), which that kube-apiserver accepts
#   operator_crds   the Prometheus Operator's CRD manifests, read from its Go module in the module cache
#   prometheus_operator  built from its Go module through tools/prometheus-operator
#   amtool, promtool     check what the operator generates, at the stack's versions (scripts/tool-versions.env)
#   openssl         for the test's self-signed serving certificate
# A second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
operator_module=github.com/prometheus-operator/prometheus-operator
operator_version=v0.85.0

need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v openssl >/dev/null || need+=(openssl)
bash scripts/apt-install.sh ${need[@]+"${need[@]}"}

kube_apiserver="$(bash scripts/install-kube-apiserver.sh)"
prometheus_operator="$(bash scripts/install-prometheus-operator.sh)"
amtool="$(bash scripts/install-prometheus-tool.sh amtool)"
promtool="$(bash scripts/install-prometheus-tool.sh promtool)"
# The module cache keeps the download; `go mod download` only checks it on a second run.
operator_dir="$(cd /tmp && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "${operator_module}@${operator_version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
crds="${operator_dir}/example/prometheus-operator-crd"
[ -d "${crds}" ] || { echo "FAIL k8s tools: ${operator_module}@${operator_version} has no ${crds#"${operator_dir}"/}" >&2; exit 1; }

echo "kube_apiserver=${kube_apiserver}"
echo "etcd=$(command -v etcd)"
echo "operator_crds=${crds}"
echo "operator_version=${operator_version}"
echo "openssl=$(command -v openssl)"
echo "prometheus_operator=${prometheus_operator}"
echo "amtool=${amtool}"
echo "promtool=${promtool}"
