#!/usr/bin/env bash
# install-go-tool.sh NAME PACKAGE VERSION
# Builds a Go command (PACKAGE, a module or a command inside one) at VERSION through the module proxy into
# ~/.cache/pipewatch/NAME-VERSION/bin and prints the binary's path (progress goes to stderr, so stdout
# stays the path alone). Idempotent: with the binary present it only prints the path; a lock keeps two
# tiers starting at once from building it twice.
set -euo pipefail
# shellcheck source=lib/cached-go-binary.sh
source "$(dirname "$0")/lib/cached-go-binary.sh"
name="$1" package="$2" version="$3"
bin_dir="${HOME}/.cache/pipewatch/${name}-${version}/bin"
binary="${bin_dir}/${name}"

build() {
  GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" timeout 1800 go install -p 2 "${package}@${version}"
}
cached_go_binary "${binary}" "${name} ${version}" build
