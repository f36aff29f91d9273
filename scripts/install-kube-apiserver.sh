#!/usr/bin/env bash
# kube-apiserver for the k8s tier, built with the go command from the pinned wrapper module
# tools/kube-apiserver (k8s.io/kubernetes with its staging modules replaced by their published versions),
# cached under ~/.cache/pipewatch/kube-apiserver-<version>. Prints the binary's path (progress on stderr).
# A second run finds the cache and builds nothing.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
module_dir="${repo_root}/tools/kube-apiserver"
version="$(sed -n 's/^require k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "${module_dir}/go.mod")"
[ -n "${version}" ] || { echo "FAIL kube-apiserver: no 'require k8s.io/kubernetes vX.Y.Z' line in ${module_dir}/go.mod" >&2; exit 1; }
out_dir="${HOME}/.cache/pipewatch/kube-apiserver-${version}"
binary="${out_dir}/kube-apiserver"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "FAIL kube-apiserver: the go command is required (Go 1.24 or later)" >&2; exit 1; }
  mkdir -p "${out_dir}"
  exec 9>"${out_dir}/.lock"
  flock 9
  if [ ! -x "${binary}" ]; then
    echo "building kube-apiserver ${version} into ${out_dir} (cold: about 15 min on 2 cores)" >&2
    started=$(date +%s)
    (cd "${module_dir}" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
      timeout "${PIPEWATCH_BUILD_TIMEOUT:-3600}" go build -p 2 -ldflags "-s -w" -o "${binary}.tmp" k8s.io/kubernetes/cmd/kube-apiserver) >&2
    mv "${binary}.tmp" "${binary}"
    echo "built kube-apiserver ${version} in $(($(date +%s) - started))s (cold)" >&2
  fi
fi
echo "${binary}"
