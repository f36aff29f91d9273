#!/usr/bin/env bash
# Builds statsd_exporter from its Go module into a per-version cache and prints the binary's path.
# The live tests use it to check the simulator's families against what the exporter really publishes.
# Idempotent: a second run with the binary present only prints the path.
set -euo pipefail

version="v0.28.0"
bin_dir="${HOME}/.cache/pipewatch/statsd_exporter-${version}/bin"
binary="${bin_dir}/statsd_exporter"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build statsd_exporter ${version}; install Go 1.22 or newer" >&2; exit 1; }
  mkdir -p "${bin_dir}"
  # Progress to stderr so stdout stays the path alone.
  echo "building statsd_exporter ${version} into ${bin_dir}" >&2
  GOBIN="${bin_dir}" go install "github.com/prometheus/statsd_exporter@${version}" >&2
fi
echo "${binary}"
