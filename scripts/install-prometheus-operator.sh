#!/usr/bin/env bash
# The Prometheus Operator for the k8s tier, from its Go module through tools/prometheus-operator (its
# API modules replaced by their published versions). Prints the binary's path.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "${repo_root}/scripts/install-wrapped-go-tool.sh" prometheus-operator "${repo_root}/tools/prometheus-operator" github.com/prometheus-operator/prometheus-operator github.com/prometheus-operator/prometheus-operator/cmd/operator
