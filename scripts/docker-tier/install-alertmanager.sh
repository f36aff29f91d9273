#!/usr/bin/env bash
# Builds alertmanager v0.27.0 (the version of the stack's prom/alertmanager image) from its Go module
# into a per-version cache and prints the binary's path. Debian's 0.25 rejects fields the stack
# renders (webhook url_file), so the tier's image carries the matching version.
# Idempotent: a second run with the binary present only prints the path.
set -euo pipefail

version="v0.27.0"
bin_dir="${HOME}/.cache/pipewatch/alertmanager-${version}/bin"
binary="${bin_dir}/alertmanager"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build alertmanager ${version}" >&2; exit 1; }
  mkdir -p "${bin_dir}"
  echo "building alertmanager ${version} into ${bin_dir}" >&2
  started=$(date +%s)
  GOBIN="${bin_dir}" CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" timeout 1800 \
    go install -p 2 "github.com/prometheus/alertmanager/cmd/alertmanager@${version}" >&2
  echo "built alertmanager ${version} in $(($(date +%s) - started))s (cold)" >&2
fi
echo "${binary}"
