#!/usr/bin/env bash
# The OpenTelemetry Collector the tests run: built with the Collector Builder (ocb) v0.165.0 through the
# Go module proxy from tools/otelcol/builder-manifest.yaml (filelog and otlp receivers; otlp, otlphttp,
# file and debug exporters; batch and resource processors; file_storage and
# health_check extensions). Apache-2.0. Cached in ~/.cache/pipewatch/otelcol-<version>-<manifest hash>,
# so a changed manifest builds a new binary and a second run builds nothing. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

builder_version=v0.165.0
manifest=tools/otelcol/builder-manifest.yaml
hash="$(sha256sum "${manifest}" | cut -c1-12)"
out_dir="${HOME}/.cache/pipewatch/otelcol-${builder_version}-${hash}"
binary="${out_dir}/otelcol-pipewatch"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build the OpenTelemetry Collector" >&2; exit 1; }
  builder="$(bash scripts/install-go-tool.sh builder go.opentelemetry.io/collector/cmd/builder "${builder_version}")"
  work="$(mktemp -d)"
  trap 'rm -rf "${work}"' EXIT
  echo "building the OpenTelemetry Collector (${manifest}, ${hash}) into ${out_dir}" >&2
  started=$(date +%s)
  # The builder writes the generated sources and the binary to output_path (build/ in the temp dir); the binary is moved into the
  # cache only once the build succeeded, so an interrupted build never leaves a half-written tool behind.
  cp "${manifest}" "${work}/manifest.yaml"
  (cd "${work}" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false -p=2" timeout 1800 "${builder}" --config=manifest.yaml >&2)
  mkdir -p "${out_dir}"
  mv "${work}/build/otelcol-pipewatch" "${binary}.tmp" && mv "${binary}.tmp" "${binary}"
  echo "built the OpenTelemetry Collector in $(($(date +%s) - started))s (cold)" >&2
fi
echo "${binary}"
