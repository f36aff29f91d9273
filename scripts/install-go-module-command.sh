#!/usr/bin/env bash
# install-go-module-command.sh NAME MODULE VERSION PACKAGE_DIR LDFLAGS [STUB_FILE...]
# Builds the command PACKAGE_DIR (e.g. cmd/alertmanager) of MODULE@VERSION inside a copy of that module's
# source, as downloaded from the module proxy, with the module's own go.mod and go.sum. For a command
# that embeds web-UI assets its release process builds and its module does not carry (Alertmanager's
# ui/app/dist), which `go install MODULE/PACKAGE_DIR@VERSION` cannot build: each STUB_FILE is written as
# a one-line page, so the command builds; its web UI then shows that page, its APIs are unchanged.
# LDFLAGS (may be empty) go to the linker. Cached like scripts/install-go-tool.sh; prints the binary's path.
set -euo pipefail
# shellcheck source=lib/cached-go-binary.sh
source "$(dirname "$0")/lib/cached-go-binary.sh"
name="$1" module="$2" version="$3" package_dir="$4" ldflags="$5"
shift 5
stubs=("$@")
bin_dir="$(go_binary_dir "${name}" "${version}" "" "${ldflags}")/bin"
binary="${bin_dir}/${name}"

build() {
  local module_dir
  module_dir="$(cd /tmp && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "${module}@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "${module_dir}" ] || { echo "FAIL ${name}: go mod download ${module}@${version} gave no source directory" >&2; exit 1; }
  src="$(mktemp -d /tmp/pw-go-src.XXXXXX)"  # global: the EXIT trap reads it
  trap 'rm -rf "${src}"' EXIT
  cp -r "${module_dir}/." "${src}/" && chmod -R u+w "${src}"
  for stub in ${stubs[@]+"${stubs[@]}"}; do
    mkdir -p "$(dirname "${src}/${stub}")"
    echo "<!doctype html><title>${name}</title><p>${name} ${version}: the web UI is not part of this build.</p>" > "${src}/${stub}"
  done
  (cd "${src}" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
    timeout 1800 go build -p 2 -ldflags "-s -w ${ldflags}" -o "${binary}.tmp" "./${package_dir}")
  mv "${binary}.tmp" "${binary}"
}
cached_go_binary "${binary}" "${name} ${version} (from a copy of ${module}@${version})" build
