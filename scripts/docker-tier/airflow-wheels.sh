#!/usr/bin/env bash
# The wheels of airflow/requirements.txt for the tier's Airflow image, fetched by pip on the host's
# Debian Python 3.11 (the interpreter the image installs, so environment markers match: redis, for
# one, needs async-timeout below 3.11.3), which reaches PyPI through the machine's trust store; the
# image installs them with no index. Cached by interpreter version and requirements hash; prints the
# wheel directory.
set -euo pipefail

requirements="$(cd "$(dirname "$0")/../.." && pwd)/airflow/requirements.txt"
python_bin=/usr/bin/python3
[ -x "${python_bin}" ] && "${python_bin}" -m pip --version >/dev/null 2>&1 ||
  { echo "FAIL airflow wheels: Debian's python3 and python3-pip are required" >&2; exit 1; }
python_version="$("${python_bin}" -c 'import platform; print(platform.python_version())')"
cache="${HOME}/.cache/pipewatch/airflow-wheels-py${python_version}-$(sha256sum "${requirements}" | cut -c1-16)"

if [ ! -f "${cache}/complete" ]; then
  echo "airflow wheels: pip download -r airflow/requirements.txt for Python ${python_version} (first run only)" >&2
  rm -rf "${HOME}/.cache/pipewatch/"airflow-wheels-*  # earlier pins' wheels
  mkdir -p "${cache}/wheels"
  timeout 900 "${python_bin}" -m pip download --quiet --only-binary=:all: --dest "${cache}/wheels" -r "${requirements}" >&2
  touch "${cache}/complete"
fi
echo "${cache}/wheels"
