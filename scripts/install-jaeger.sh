#!/usr/bin/env bash
# Jaeger v2 for the tests (Apache-2.0), from its Go module through tools/jaeger (`go get -tool
# github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0` plus the replace line of Jaeger's own go.mod, which
# `go install module@version` refuses and a requiring module does not inherit). Prints the binary's path.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "${repo_root}/scripts/install-wrapped-go-tool.sh" jaeger "${repo_root}/tools/jaeger" github.com/jaegertracing/jaeger github.com/jaegertracing/jaeger/cmd/jaeger
