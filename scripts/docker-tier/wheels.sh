#!/usr/bin/env bash
# wheels.sh NAME REQUIREMENTS: the wheels of REQUIREMENTS for one of the tier's Python images, fetched by
# pip on the host's Debian Python 3.11 (the interpreter the images install, so environment markers match:
# redis, for one, needs async-timeout below 3.11.3), which reaches PyPI through the machine's trust store;
# the images install them with no index. A package PyPI serves only as an sdist (pyspark) is built into a
# wheel by pip on the host. Cached by NAME, interpreter version and requirements hash;
# prints the wheel directory.
#   airflow:   airflow/requirements.txt (the Airflow image)
#   streaming: scripts/docker-tier/streaming-requirements.txt (the MLflow and lag-exporter images)
#   spark:     the pyspark pin of streaming/requirements.txt (the Spark image)
set -euo pipefail
name="${1:?usage: wheels.sh NAME REQUIREMENTS}" requirements="${2:?usage: wheels.sh NAME REQUIREMENTS}"

python_bin=/usr/bin/python3
[ -x "${python_bin}" ] && "${python_bin}" -m pip --version >/dev/null 2>&1 ||
  { echo "FAIL ${name} wheels: Debian's python3 and python3-pip are required" >&2; exit 1; }
python_version="$("${python_bin}" -c 'import platform; print(platform.python_version())')"
cache="${HOME}/.cache/pipewatch/${name}-wheels-py${python_version}-$(sha256sum "${requirements}" | cut -c1-16)"

if [ ! -f "${cache}/complete" ]; then
  echo "${name} wheels: pip wheel -r ${requirements} for Python ${python_version} (first run only)" >&2
  rm -rf "${HOME}/.cache/pipewatch/${name}-wheels-"*  # earlier pins' wheels
  mkdir -p "${cache}/wheels"
  timeout 900 "${python_bin}" -m pip wheel --quiet --wheel-dir "${cache}/wheels" -r "${requirements}" >&2
  touch "${cache}/complete"
fi
echo "${cache}/wheels"
