#!/usr/bin/env bash
# statsd_exporter v0.28.0, the version of the stack's image: the tests check the simulator's families
# against what it really publishes with the stack's mapping. Prints the binary's path.
set -euo pipefail
exec bash "$(dirname "$0")/install-go-tool.sh" statsd_exporter github.com/prometheus/statsd_exporter v0.28.0
