#!/usr/bin/env bash
# kube-apiserver for the k8s tier, from k8s.io/kubernetes through tools/kube-apiserver (its staging
# modules replaced by their published versions). Prints the binary's path; cold: about 11 min on 2 cores.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "${repo_root}/scripts/install-wrapped-go-tool.sh" kube-apiserver "${repo_root}/tools/kube-apiserver" k8s.io/kubernetes k8s.io/kubernetes/cmd/kube-apiserver \
  '-X k8s.io/component-base/version.gitVersion=${version} -X k8s.io/component-base/version.gitTreeState=clean' # what /version reports
