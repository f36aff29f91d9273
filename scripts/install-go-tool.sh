#!/usr/bin/env bash
# install-go-tool.sh NAME MODULE VERSION
# Builds a Go command from its module through the module proxy into ~/.cache/pipewatch/NAME-VERSION/bin
# and prints the binary's path (progress goes to stderr, so stdout stays the path alone).
# Idempotent: with the binary present it only prints the path.
set -euo pipefail
name="$1" module="$2" version="$3"
bin_dir="${HOME}/.cache/pipewatch/${name}-${version}/bin"
binary="${bin_dir}/${name}"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build ${name} ${version}" >&2; exit 1; }
  mkdir -p "${bin_dir}"
  echo "building ${name} ${version} into ${bin_dir}" >&2
  started=$(date +%s)
  GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" timeout 1800 go install -p 2 "${module}@${version}" >&2
  echo "built ${name} ${version} in $(($(date +%s) - started))s (cold)" >&2
fi
echo "${binary}"
