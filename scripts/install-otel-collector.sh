#!/usr/bin/env bash
# The OpenTelemetry Collector the tests run: built with the Collector Builder (ocb) v0.165.0 through the
# Go module proxy from tools/otelcol/builder-manifest.yaml (filelog and otlp receivers; otlp, otlphttp,
# file and debug exporters; batch and resource processors; file_storage and
# health_check extensions). Apache-2.0. Cached in ~/.cache/pipewatch/otelcol-<version>-<manifest hash>
# (scripts/lib/cached-go-binary.sh), so a changed manifest builds a new binary and a second run builds
# nothing. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/cached-go-binary.sh
source scripts/lib/cached-go-binary.sh

builder_version=v0.165.0
manifest=tools/otelcol/builder-manifest.yaml
hash="$(sha256sum "${manifest}" | cut -c1-12)"
out_dir="${HOME}/.cache/pipewatch/otelcol-${builder_version}-${hash}"
binary="${out_dir}/otelcol-pipewatch"

build() {
  local builder work
  builder="$(bash scripts/install-go-tool.sh builder go.opentelemetry.io/collector/cmd/builder "${builder_version}")"
  work="$(mktemp -d)"
  # The builder writes the generated sources and the binary to output_path (build/ in the temp dir); the
  # binary is moved into the cache only once the build succeeded, so an interrupted build leaves nothing.
  cp "${manifest}" "${work}/manifest.yaml"
  (cd "${work}" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -p=2" timeout 1800 "${builder}" --config=manifest.yaml)
  mv "${work}/build/otelcol-pipewatch" "${binary}.tmp" && mv "${binary}.tmp" "${binary}"
  rm -rf "${work}"
}
cached_go_binary "${binary}" "the OpenTelemetry Collector (${manifest}, ${hash})" build
