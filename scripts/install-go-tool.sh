#!/usr/bin/env bash
# install-go-tool.sh NAME PACKAGE VERSION
# Builds a Go command (PACKAGE, a module or a command inside one) at VERSION through the module proxy into
# ~/.cache/pipewatch/NAME-VERSION/bin and prints the binary's path (progress goes to stderr, so stdout
# stays the path alone). Idempotent: with the binary present it only prints the path; a lock keeps two
# tiers starting at once from building it twice.
set -euo pipefail
name="$1" package="$2" version="$3"
bin_dir="${HOME}/.cache/pipewatch/${name}-${version}/bin"
binary="${bin_dir}/${name}"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build ${name} ${version}" >&2; exit 1; }
  mkdir -p "${bin_dir}"
  exec 9>"${bin_dir}/.lock"
  flock 9
  if [ ! -x "${binary}" ]; then
    echo "building ${name} ${version} into ${bin_dir}" >&2
    started=$(date +%s)
    GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" timeout 1800 go install -p 2 "${package}@${version}" >&2
    echo "built ${name} ${version} in $(($(date +%s) - started))s (Go's build cache may have shortened it)" >&2
  fi
fi
echo "${binary}"
