# Sourced by the install scripts that build a Python venv (or a tree holding one) into the cache.
#
# cached_venv NAME BUILD_FUNCTION INPUT_FILE...
#   Sets cached_dir to ~/.cache/pipewatch/NAME-HASH, HASH naming NAME and the inputs' contents, so other
#   pins get an entry of their own and never rebuild or delete another's. When that entry is missing,
#   BUILD_FUNCTION DIR fills the empty directory DIR (its output goes to stderr) under a lock on the
#   entry, and the entry is then published by renaming a symlink to DIR into place: an entry that
#   exists is complete, and a concurrent run waits for the lock and then finds it. A venv keeps the
#   absolute path it was built at, so DIR is kept (the symlink points at it) rather than moved.
#   A build that failed or was interrupted leaves DIR behind; the next build under the lock removes it.
cached_venv() {
  published() { [ -L "${cached_dir}" ] && [ -d "${cached_dir}/" ]; }
  local name="$1" build_function="$2" hash
  shift 2
  hash="$( (echo "${name}"; cat "$@") | sha256sum | cut -c1-12)"
  local cache="${HOME}/.cache/pipewatch"
  cached_dir="${cache}/${name}-${hash}"
  published && return 0
  mkdir -p "${cache}"
  exec 8>"${cached_dir}.lock"
  flock 8
  if ! published; then
    rm -rf "${cached_dir}".build-*
    local build
    build="$(mktemp -d "${cached_dir}.build-XXXXXX")"
    chmod 755 "${build}"
    local started
    started=$(date +%s)
    "${build_function}" "${build}" >&2
    ln -sfn "$(basename "${build}")" "${cached_dir}.link"
    mv -T "${cached_dir}.link" "${cached_dir}"
    echo "built ${cached_dir} in $(($(date +%s) - started))s" >&2
  fi
  exec 8>&-
}

# new_venv DIR WHAT: a venv at DIR with an up-to-date pip, made with Python 3.11 (the stack's images run
# it; PIPEWATCH_PYTHON names another binary of it); fails naming WHAT when there is none.
new_venv() {
  local python_bin="${PIPEWATCH_PYTHON:-python3.11}"
  command -v "${python_bin}" >/dev/null || {
    echo "python 3.11 is required for $2; set PIPEWATCH_PYTHON to its path" >&2
    return 1
  }
  "${python_bin}" -m venv "$1"
  "$1/bin/python" -m pip install --quiet --upgrade pip
}
