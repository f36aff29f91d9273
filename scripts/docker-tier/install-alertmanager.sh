#!/usr/bin/env bash
# alertmanager v0.27.0, the version of the stack's prom/alertmanager image: Debian's 0.25 rejects fields
# the stack renders (webhook url_file). Prints the binary's path.
set -euo pipefail
exec bash "$(dirname "$0")/../install-go-tool.sh" alertmanager github.com/prometheus/alertmanager/cmd/alertmanager v0.27.0
