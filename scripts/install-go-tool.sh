#!/usr/bin/env bash
# install-go-tool.sh NAME PACKAGE VERSION [TAGS [LDFLAGS]]
# Builds a Go command (PACKAGE, a module or a command inside one) at VERSION through the module proxy into
# ~/.cache/pipewatch/NAME-VERSION[-FLAGS_HASH]/bin and prints the binary's path (progress goes to stderr, so
# stdout stays the path alone). TAGS (comma-separated build tags) and LDFLAGS are passed to the go command.
# Idempotent: with the binary present it only prints the path; a lock keeps two tiers starting at once
# from building it twice.
set -euo pipefail
# shellcheck source=lib/cached-go-binary.sh
source "$(dirname "$0")/lib/cached-go-binary.sh"
name="$1" package="$2" version="$3" tags="${4:-}" ldflags="${5:-}"
bin_dir="$(go_binary_dir "${name}" "${version}" "${tags}" "${ldflags}")/bin"
binary="${bin_dir}/${name}"

build() {
  GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" timeout 1800 \
    go install -p 2 -tags "${tags}" -ldflags "-s -w ${ldflags}" "${package}@${version}"
}
cached_go_binary "${binary}" "${name} ${version}${tags:+ (tags ${tags})}" build
