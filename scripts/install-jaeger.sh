#!/usr/bin/env bash
# Jaeger v2 for the tests (Apache-2.0): built through the Go module proxy as the Go tool of the pinned
# wrapper module scripts/jaeger/ (`go get -tool github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0`, plus the
# replace line of Jaeger's own go.mod, which `go install module@version` refuses and a requiring module
# does not inherit). Cached in ~/.cache/pipewatch/jaeger-<version>-<hash of go.mod and go.sum>, so a
# changed pin builds a new binary and a second run builds nothing. Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."

module_dir=scripts/jaeger
version="$(awk '$1 == "github.com/jaegertracing/jaeger" { print $2 }' "${module_dir}/go.mod")"
[ -n "${version}" ] || { echo "${module_dir}/go.mod does not require github.com/jaegertracing/jaeger" >&2; exit 1; }
hash="$(cat "${module_dir}/go.mod" "${module_dir}/go.sum" | sha256sum | cut -c1-12)"
out_dir="${HOME}/.cache/pipewatch/jaeger-${version}-${hash}"
binary="${out_dir}/jaeger"

if [ ! -x "${binary}" ]; then
  command -v go >/dev/null || { echo "go is required to build Jaeger ${version}" >&2; exit 1; }
  mkdir -p "${out_dir}"
  echo "building Jaeger ${version} into ${out_dir}" >&2
  started=$(date +%s)
  # -mod=readonly: the build uses exactly the committed go.sum; the binary enters the cache only once built.
  (cd "${module_dir}" && CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly" timeout 1800 \
    go build -p 2 -o "${binary}.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >&2)
  mv "${binary}.tmp" "${binary}"
  echo "built Jaeger ${version} in $(($(date +%s) - started))s (cold)" >&2
fi
echo "${binary}"
