#!/usr/bin/env bash
# apt-install.sh PACKAGE...: installs Debian packages for a test tier without starting their services
# (the tiers start their own copies on free loopback ports). Quiet; waits for a dpkg lock held by another install.
set -euo pipefail
[ $# -gt 0 ] || exit 0
echo "installing: $*" >&2
export DEBIAN_FRONTEND=noninteractive
# One install at a time (scripts/prebuild-tools.sh runs tiers' installs beside the tiers): apt-get update
# does not wait for the lists lock.
exec 8>/tmp/pipewatch-apt.lock
flock 8
apt-get update -qq
policy=/usr/sbin/policy-rc.d
if [ ! -e "${policy}" ]; then
  printf '#!/bin/sh\nexit 101\n' > "${policy}" && chmod +x "${policy}"
  trap 'rm -f "${policy}"' EXIT
fi
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
