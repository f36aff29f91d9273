#!/usr/bin/env bash
# Installs, pinned and cached, what `terraform init` needs to work offline:
#   - a Terraform-compatible CLI: `terraform` when it is on PATH, else OpenTofu built from its Go module;
#   - the providers the stacks use, each built with the go command from the Go module proxy
#     (tools/terraform-providers.tsv pins them), laid out as a filesystem mirror;
#   - a CLI config that installs providers from that mirror only.
#
# Usage: scripts/install-terraform-toolchain.sh [NAME[=VERSION] ...]
#   NAME is docker, random or grafana (default: all three, at the versions in the pin file);
#   VERSION, when exact (x.y.z), overrides the pinned release; a range (~> 4.0) keeps the pin. The
#   terraform tier passes what the synthesized stacks require.
# Environment:
#   PIPEWATCH_PROVIDER_SOURCE=release (default) builds exactly the pinned release and fails when the
#     module proxy does not serve it; =snapshot builds the pinned snapshot revision instead (see the pin
#     file) and mirrors it under its own pre-release version, never under the release's.
#   PIPEWATCH_TF_CLI=tofu builds and uses OpenTofu even when terraform is on PATH.
#   PIPEWATCH_BUILD_TIMEOUT  seconds one build may take (default 1800).
#
# Writes ~/.cache/pipewatch/terraformrc (use it with TF_CLI_CONFIG_FILE) and
# ~/.cache/pipewatch/toolchain.env (TF_BIN and one PROVIDER_<NAME>=<source> <version> line per provider built).
# Prints the cold build time of everything it builds; a second run finds the cache and builds nothing.
# Exits non-zero when any requested provider could not be built, after printing the go command's error.
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${HOME}/.cache/pipewatch"
mirror="${cache}/terraform-plugins"
pins="${repo_root}/tools/terraform-providers.tsv"
source_mode="${PIPEWATCH_PROVIDER_SOURCE:-release}"
build_timeout="${PIPEWATCH_BUILD_TIMEOUT:-1800}"
tofu_version="v1.10.10"
platform="linux_amd64"

case "${source_mode}" in release | snapshot) ;; *)
  echo "PIPEWATCH_PROVIDER_SOURCE: invalid value \"${source_mode}\". Use release or snapshot." >&2
  exit 2
  ;;
esac
mkdir -p "${cache}" "${mirror}"

# One build at a time, on this machine's 2 cores: a second run waits instead of building the same thing twice.
exec 9>"${cache}/.toolchain.lock"
flock 9

export GOFLAGS="-trimpath -buildvcs=false -mod=readonly"
export CGO_ENABLED=0
export GOTOOLCHAIN=local
go_bin="$(command -v go || echo /usr/local/go/bin/go)"
[ -x "${go_bin}" ] || { echo "FAIL toolchain: the go command is required (Go 1.25 or later)" >&2; exit 1; }

# Downloads module@version through the proxy and builds package pkg of it with the module's own go.mod
# (so its replace lines apply) into out. Prints the go command's output and returns non-zero on failure.
build_module() {
  local module="$1" version="$2" pkg="$3" out="$4" ldflags="$5"
  local log dir work
  log="$(mktemp)"
  if ! timeout "${build_timeout}" "${go_bin}" mod download -json "${module}@${version}" >"${log}" 2>&1; then
    # -json reports the proxy's answer in its Error field.
    sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' "${log}" | sed 's/\\n/\n/g; s/\\t/\t/g' >&2
    grep -q '"Error"' "${log}" || cat "${log}" >&2
    rm -f "${log}"
    return 1
  fi
  dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' "${log}")"
  rm -f "${log}"
  # The module cache is read-only: build in a writable copy, removed afterwards.
  work="$(mktemp -d)"
  cp -r "${dir}/." "${work}/"
  chmod -R u+w "${work}"
  if ! (cd "${work}" && timeout "${build_timeout}" "${go_bin}" build -p 2 -ldflags "-s -w ${ldflags}" -o "${out}.tmp" "${pkg}"); then
    rm -rf "${work}" "${out}.tmp"
    return 1
  fi
  mv "${out}.tmp" "${out}"
  rm -rf "${work}"
}

# --- the CLI ---------------------------------------------------------------------------------------
if [ "${PIPEWATCH_TF_CLI:-}" != "tofu" ] && command -v terraform >/dev/null; then
  tf_bin="$(command -v terraform)"
  echo "cli: $(TF_CLI_CONFIG_FILE=/dev/null terraform version | awk 'NR == 1') at ${tf_bin} (found on PATH)"
else
  tf_bin="${cache}/tofu-${tofu_version}/tofu"
  if [ -x "${tf_bin}" ]; then
    echo "cli: OpenTofu ${tofu_version} at ${tf_bin} (cached)"
  else
    echo "cli: terraform is not on PATH; building OpenTofu ${tofu_version} from its Go module"
    mkdir -p "$(dirname "${tf_bin}")"
    started=$(date +%s)
    # dev=no: a release build, so it reports its own version rather than "-dev".
    if ! build_module github.com/opentofu/opentofu "${tofu_version}" ./cmd/tofu "${tf_bin}" "-X github.com/opentofu/opentofu/version.dev=no"; then
      echo "FAIL cli: OpenTofu ${tofu_version} could not be built (error above)" >&2
      exit 1
    fi
    echo "cli: built OpenTofu ${tofu_version} in $(($(date +%s) - started))s (not cached; Go's own build cache may shorten it)"
  fi
  echo "cli: $(TF_CLI_CONFIG_FILE=/dev/null "${tf_bin}" version | awk 'NR == 1')"
fi

# --- the providers ---------------------------------------------------------------------------------
requested=("$@")
[ ${#requested[@]} -gt 0 ] || requested=(docker random grafana)

env_lines=()
failed=()
for request in "${requested[@]}"; do
  name="${request%%=*}"
  row="$(awk -F'\t' -v n="${name}" '!/^#/ && $1 == n' "${pins}")"
  if [ -z "${row}" ]; then
    echo "FAIL provider ${name}: not in ${pins#"${repo_root}"/}" >&2
    failed+=("${name}")
    continue
  fi
  IFS=$'\t' read -r _ source release module snapshot_query snapshot_version <<<"${row}"
  # An exact version overrides the pin; a range ("~> 4.0") keeps the pinned release, checked by the CLI at init.
  if [ "${request}" != "${name}" ] && [[ "${request#*=}" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then release="${request#*=}"; fi
  if [ "${source_mode}" = "snapshot" ]; then
    if [ "${snapshot_query}" = "-" ] || [ "${release}" != "$(awk -F'\t' -v n="${name}" '!/^#/ && $1 == n {print $3}' "${pins}")" ]; then
      echo "FAIL provider ${source}: no snapshot revision is pinned for ${release} in ${pins#"${repo_root}"/}" >&2
      failed+=("${name}")
      continue
    fi
    query="${snapshot_query}"
    version="${snapshot_version}"
  else
    query="v${release}"
    version="${release}"
  fi
  # A major version above 1 lives under its own module path (…/v3, …/v4).
  major="${version%%.*}"
  if [[ "${module}" =~ /v[0-9]+$ ]] && [ "${major}" -ge 2 ]; then module="${module%/v*}/v${major}"; fi

  type="${source#*/}"
  binary="${cache}/terraform-provider-${type}-${version}/terraform-provider-${type}_v${version}"

  if [ -x "${binary}" ]; then
    echo "provider ${source} ${version}: cached (${binary})"
  else
    echo "provider ${source} ${version}: building ${module}@${query}"
    mkdir -p "$(dirname "${binary}")"
    started=$(date +%s)
    if ! build_module "${module}" "${query}" . "${binary}" "-X main.version=${version}"; then
      rmdir "$(dirname "${binary}")" 2>/dev/null || true
      echo "FAIL provider ${source} ${version}: could not be built from ${module}@${query} (error above)" >&2
      failed+=("${name}")
      continue
    fi
    echo "provider ${source} ${version}: built in $(($(date +%s) - started))s (not cached; Go's own build cache may shorten it)"
  fi
  # Under both registries' host names: OpenTofu reads "kreuzwerker/docker" as registry.opentofu.org/...
  for host in registry.terraform.io registry.opentofu.org; do
    target="${mirror}/${host}/${source}/${version}/${platform}/terraform-provider-${type}_v${version}"
    mkdir -p "$(dirname "${target}")"
    ln -f "${binary}" "${target}" 2>/dev/null || cp -f "${binary}" "${target}"
  done
  env_lines+=("PROVIDER_${name^^}=\"${source} ${version}\"")
done

# Providers from the mirror only: `init` never reaches for a registry, and a missing one fails at once.
cat >"${cache}/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "${mirror}"
    include = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
  direct {
    exclude = ["*/*"]
  }
}
disable_checkpoint = true
EOF
{
  echo "TF_BIN=\"${tf_bin}\""
  echo "TF_CLI_CONFIG_FILE=\"${cache}/terraformrc\""
  echo "PROVIDER_SOURCE_MODE=\"${source_mode}\""
  printf '%s\n' "${env_lines[@]}"
} >"${cache}/toolchain.env"
echo "mirror: ${mirror}"
echo "cli config: ${cache}/terraformrc (export TF_CLI_CONFIG_FILE to use it)"

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAIL toolchain: could not build provider(s): ${failed[*]}" >&2
  exit 1
fi
echo "toolchain ready"
