#!/usr/bin/env bash
# amtool v0.27.0, the version of the stack's prom/alertmanager image: Debian ships amtool 0.25, which
# rejects receiver fields the stack's Alertmanager accepts. Prints the binary's path.
set -euo pipefail
exec bash "$(dirname "$0")/install-go-tool.sh" amtool github.com/prometheus/alertmanager/cmd/amtool v0.27.0
