#!/usr/bin/env bash
# install-wrapped-go-tool.sh NAME WRAPPER_DIR MODULE PACKAGE [LDFLAGS]
# Builds PACKAGE (a command of MODULE) with the go command from the pinned wrapper module WRAPPER_DIR
# (tools/<name>): for modules whose own go.mod has replace lines, which `go install module@version`
# refuses; the wrapper's go.mod repeats them with published versions and its go.sum pins every
# dependency. The version is the wrapper's requirement of MODULE (a `require MODULE vX.Y.Z` line or a
# line of a `require (` block, as `go get -tool` writes it). Cached under
# ~/.cache/pipewatch/NAME-VERSION[-FLAGS_HASH] (go_binary_dir); LDFLAGS may use ${version}. Prints the binary's path (progress on stderr). A second run builds nothing.
set -euo pipefail
# shellcheck source=lib/cached-go-binary.sh
source "$(dirname "$0")/lib/cached-go-binary.sh"
name="$1" wrapper_dir="$2" module="$3" package="$4" ldflags="${5:-}"
version="$(awk -v module="${module}" '
  $1 == "require" && $2 == "(" { in_block = 1; next }
  in_block && $1 == ")" { in_block = 0; next }
  ($1 == "require" && $2 == module) { print $3; exit }
  (in_block && $1 == module) { print $2; exit }
' "${wrapper_dir}/go.mod")"
[[ "${version}" == v[0-9]* ]] || { echo "FAIL ${name}: ${wrapper_dir}/go.mod does not require ${module} at a version (vX.Y.Z)" >&2; exit 1; }
out_dir="$(go_binary_dir "${name}" "${version}" "" "${ldflags}")"
binary="${out_dir}/${name}"

build() {
  (cd "${wrapper_dir}" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
    timeout "${PIPEWATCH_BUILD_TIMEOUT:-3600}" go build -p 2 -ldflags "-s -w ${ldflags//\$\{version\}/${version}}" -o "${binary}.tmp" "${package}")
  mv "${binary}.tmp" "${binary}"
}
cached_go_binary "${binary}" "${name} ${version}" build
