# cached_go_binary BINARY LABEL BUILD_FUNCTION: the one cache-and-lock routine of the Go builds
# (install-go-tool.sh, install-go-module-command.sh, install-wrapped-go-tool.sh). When BINARY is missing,
# runs BUILD_FUNCTION (which must leave BINARY executable) once, under a lock in BINARY's directory, so two
# tiers starting at once build it once; progress goes to stderr. Prints BINARY's path either way.
cached_go_binary() {
  local binary="$1" label="$2" build="$3" dir started
  dir="$(dirname "${binary}")"
  if [ ! -x "${binary}" ]; then
    command -v go >/dev/null || { echo "FAIL ${label}: the go command is required to build it" >&2; exit 1; }
    mkdir -p "${dir}"
    exec 9>"${dir}/.lock"
    flock 9
    if [ ! -x "${binary}" ]; then
      echo "building ${label} into ${dir}" >&2
      started=$(date +%s)
      "${build}" >&2
      echo "built ${label} in $(($(date +%s) - started))s (Go's build cache may have shortened it)" >&2
    fi
    exec 9>&-
  fi
  echo "${binary}"
}

# go_binary_dir NAME VERSION [TAGS [LDFLAGS]]: the cache directory of one build. Builds with other tags or
# link flags get their own directory, so a changed flag never reuses an old binary.
go_binary_dir() {
  local name="$1" version="$2" flags="${3:-}|${4:-}"
  local dir="${HOME}/.cache/pipewatch/${name}-${version}"
  [ "${flags}" = "|" ] || dir="${dir}-$(printf '%s' "${flags}" | sha256sum | cut -c1-8)"
  echo "${dir}"
}
