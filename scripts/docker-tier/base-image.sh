#!/usr/bin/env bash
# The docker tier's base image, made without any image registry: a Debian bookworm minbase rootfs
# from debootstrap (Debian's own mirror), cached as a tarball, imported into the engine at DOCKER_HOST.
# Prints the image reference. Idempotent: the rootfs is built once; the import is skipped when present.
set -euo pipefail

suite="bookworm"
mirror_url="http://deb.debian.org/debian"
cache="${HOME}/.cache/pipewatch/debian-${suite}-minbase"
tarball="${cache}/rootfs.tar"

if [ ! -s "${tarball}" ]; then
  command -v debootstrap >/dev/null || { echo "FAIL base image: debootstrap is not installed" >&2; exit 1; }
  echo "base image: debootstrap --variant=minbase ${suite} (first run only)" >&2
  started=$(date +%s)
  mkdir -p "${cache}"
  rootfs="$(mktemp -d /tmp/pw-rootfs.XXXXXX)"
  trap 'rm -rf "${rootfs}"' EXIT
  timeout 900 debootstrap --variant=minbase "${suite}" "${rootfs}" "${mirror_url}" >"${cache}/debootstrap.log" 2>&1 ||
    { tail -n 20 "${cache}/debootstrap.log" >&2; echo "FAIL base image: debootstrap failed (log above)" >&2; exit 1; }
  # The same suites the host uses, so security fixes reach the images; no package lists in the image.
  cat >"${rootfs}/etc/apt/sources.list" <<EOF
deb ${mirror_url} ${suite} main
deb ${mirror_url} ${suite}-updates main
deb http://deb.debian.org/debian-security ${suite}-security main
EOF
  rm -rf "${rootfs}"/var/lib/apt/lists/* "${rootfs}"/var/cache/apt/archives/*.deb
  tar --numeric-owner -C "${rootfs}" -cf "${tarball}.tmp" .
  mv "${tarball}.tmp" "${tarball}"
  echo "base image: rootfs built in $(($(date +%s) - started))s" >&2
fi

debian_version="$(tar -xOf "${tarball}" ./etc/debian_version)"
ref="pipewatch-tier/debian:${suite}-${debian_version}"
if ! docker image inspect "${ref}" >/dev/null 2>&1; then
  docker import --change 'CMD ["bash"]' "${tarball}" "${ref}" >/dev/null
fi
echo "${ref}"
