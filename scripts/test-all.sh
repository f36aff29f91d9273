#!/usr/bin/env bash
# Every test tier that runs on this machine, tools installed first by the repo's own scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
npm test
bash airflow/run-tests.sh
