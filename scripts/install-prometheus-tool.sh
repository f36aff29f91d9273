#!/usr/bin/env bash
# install-prometheus-tool.sh NAME: builds one of the Prometheus-family commands the tests run, at the
# version of scripts/tool-versions.env (the stack's image pin), from its Go module through the module
# proxy, cached in ~/.cache/pipewatch/NAME-VERSION (scripts/install-go-tool.sh). Prints the binary's path.
# NAME: prometheus, promtool, alertmanager, amtool, statsd_exporter.
set -euo pipefail
here="$(dirname "$0")"
# shellcheck source=tool-versions.env
source "${here}/tool-versions.env"
go_tool() { exec bash "${here}/install-go-tool.sh" "$@"; }
module_command() { exec bash "${here}/install-go-module-command.sh" "$@"; }
case "${1:?usage: install-prometheus-tool.sh NAME}" in
  prometheus | promtool) go_tool "$1" "${PROMETHEUS_MODULE}/cmd/$1" "${PROMETHEUS_VERSION}" ;;
  amtool) go_tool amtool "${ALERTMANAGER_MODULE}/cmd/amtool" "${ALERTMANAGER_VERSION}" ;;
  # Its module does not carry the built web UI that cmd/alertmanager embeds.
  alertmanager) module_command alertmanager "${ALERTMANAGER_MODULE}" "${ALERTMANAGER_VERSION}" cmd/alertmanager \
    ui/app/dist/elm/index.html ui/app/dist/mantine/index.html ;;
  statsd_exporter) go_tool statsd_exporter "${STATSD_EXPORTER_MODULE}" "${STATSD_EXPORTER_VERSION}" ;;
  *) echo "install-prometheus-tool.sh: unknown tool '$1' (prometheus, promtool, alertmanager, amtool, statsd_exporter)" >&2; exit 2 ;;
esac
