#!/usr/bin/env bash
# Installs the servers and checkers the static and integration tiers use, from Debian's packages:
# promtool (prometheus), amtool (prometheus-alertmanager), PostgreSQL 15.
# Idempotent: a second run with everything present does nothing.
set -euo pipefail

need=()
command -v promtool >/dev/null || need+=(prometheus)
command -v amtool >/dev/null || need+=(prometheus-alertmanager)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)

if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends keeps it small; policy-rc.d stops the packages from starting services here.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
promtool --version 2>&1 | head -n 1
amtool --version 2>&1 | head -n 1
