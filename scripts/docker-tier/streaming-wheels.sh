#!/usr/bin/env bash
# The wheels of scripts/docker-tier/streaming-requirements.txt for the tier's MLflow and lag-exporter
# images, fetched by pip on the host's Debian Python (the interpreter the images install), installed in
# the images with no index. Cached by interpreter version and requirements hash; prints the wheel directory.
set -euo pipefail

requirements="$(cd "$(dirname "$0")" && pwd)/streaming-requirements.txt"
python_bin=/usr/bin/python3
[ -x "${python_bin}" ] && "${python_bin}" -m pip --version >/dev/null 2>&1 ||
  { echo "FAIL streaming wheels: Debian's python3 and python3-pip are required" >&2; exit 1; }
python_version="$("${python_bin}" -c 'import platform; print(platform.python_version())')"
cache="${HOME}/.cache/pipewatch/streaming-wheels-py${python_version}-$(sha256sum "${requirements}" | cut -c1-16)"

if [ ! -f "${cache}/complete" ]; then
  echo "streaming wheels: pip download for Python ${python_version} (first run only)" >&2
  rm -rf "${HOME}/.cache/pipewatch/"streaming-wheels-*  # earlier pins' wheels
  mkdir -p "${cache}/wheels"
  timeout 900 "${python_bin}" -m pip download --quiet --only-binary=:all: --dest "${cache}/wheels" -r "${requirements}" >&2
  touch "${cache}/complete"
fi
echo "${cache}/wheels"
