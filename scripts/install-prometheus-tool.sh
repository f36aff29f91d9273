#!/usr/bin/env bash
# install-prometheus-tool.sh NAME: builds one of the Prometheus-family commands the tests run, at the
# version of scripts/tool-versions.env (the stack's image pin), from its Go module through the module
# proxy, cached in ~/.cache/pipewatch (scripts/install-go-tool.sh). Prints the binary's path.
# NAME: prometheus, promtool, alertmanager, amtool, statsd_exporter. Each reports its release with --version.
set -euo pipefail
here="$(dirname "$0")"
# shellcheck source=tool-versions.env
source "${here}/tool-versions.env"
go_tool() { exec bash "${here}/install-go-tool.sh" "$@"; }
module_command() { exec bash "${here}/install-go-module-command.sh" "$@"; }
version_flag() { echo "-X github.com/prometheus/common/version.Version=$1"; }
# Prometheus 3's module versions are v0.3MM.P for release 3.MM.P.
prometheus_release() {
  local minor="${PROMETHEUS_VERSION#v0.}" patch="${PROMETHEUS_VERSION##*.}"
  minor="${minor%%.*}"
  echo "${minor:0:1}.$((10#${minor:1})).${patch}"
}
case "${1:?usage: install-prometheus-tool.sh NAME}" in
  prometheus | promtool) go_tool "$1" "${PROMETHEUS_MODULE}/cmd/$1" "${PROMETHEUS_VERSION}" "${PROMETHEUS_BUILD_TAGS}" "$(version_flag "$(prometheus_release)")" ;;
  amtool) go_tool amtool "${ALERTMANAGER_MODULE}/cmd/amtool" "${ALERTMANAGER_VERSION}" "" "$(version_flag "${ALERTMANAGER_VERSION#v}")" ;;
  # Its module does not carry the built web UI that cmd/alertmanager embeds.
  alertmanager) module_command alertmanager "${ALERTMANAGER_MODULE}" "${ALERTMANAGER_VERSION}" cmd/alertmanager "$(version_flag "${ALERTMANAGER_VERSION#v}")" \
    ui/app/dist/elm/index.html ui/app/dist/mantine/index.html ;;
  statsd_exporter) go_tool statsd_exporter "${STATSD_EXPORTER_MODULE}" "${STATSD_EXPORTER_VERSION}" "" "$(version_flag "${STATSD_EXPORTER_VERSION#v}")" ;;
  *) echo "install-prometheus-tool.sh: unknown tool '$1' (prometheus, promtool, alertmanager, amtool, statsd_exporter)" >&2; exit 2 ;;
esac
