#!/usr/bin/env bash
# Builds amtool v0.27.0 (the version of the stack's prom/alertmanager image) from its Go module
# into a per-version cache and prints the binary's path. Debian ships amtool 0.25, which rejects
# receiver fields the stack's Alertmanager accepts, so the config is checked with the matching version.
# Idempotent: a second run with the binary present only prints the path.
set -euo pipefail

version="v0.27.0"
bin_dir="${HOME}/.cache/pipewatch/amtool-${version}/bin"
binary="${bin_dir}/amtool"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build amtool ${version}; install Go 1.21+" >&2; exit 1; }
  mkdir -p "${bin_dir}"
  # Progress to stderr so stdout stays the path alone.
  echo "building amtool ${version} into ${bin_dir}" >&2
  GOBIN="${bin_dir}" go install "github.com/prometheus/alertmanager/cmd/amtool@${version}" >&2
fi
echo "${binary}"
