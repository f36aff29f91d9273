#!/usr/bin/env bash
# The live tier (tests/live, docs/live-tests.md): installs the servers it needs, then runs every
# tests/live/*.live.ts with jest. Each test file starts its own stack on loopback and stops it in
# afterAll; as a backstop, scripts/sandboxed-jest.sh stops whatever is left and removes the run's
# temp directory. Extra arguments go to jest, e.g. `bash scripts/test-live.sh tests/live/fault-drills.live.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Hard limit for the whole tier; it takes about 8.5 minutes.
time_limit="${PIPEWATCH_LIVE_TIME_LIMIT:-20m}"

bash scripts/install-live-tools.sh >/dev/null
exec bash scripts/sandboxed-jest.sh live-tier tests/live/jest.config.js "${time_limit}" "$@"
