"""Turns one dbt invocation's artifacts into Prometheus metrics and pushes them to a Pushgateway.

After `dbt build` (or run/test/seed/snapshot) it reads target/run_results.json and target/manifest.json;
after `dbt source freshness` target/sources.json. The families and their labels are listed in
content/metrics/catalog.ts (DBT_METRICS) and docs/dbt.md. Labels stay bounded: models, tests and
sources of the project, never the invocation id.

The metrics of one command of one project and target form one Pushgateway group
(job="dbt", project, target, command), replaced as a whole by the next push of that command: a model
dropped from the project disappears with the next run, and a run between two scrapes is kept until
the next one. Standard library only, so it runs in the dbt virtualenv as well as in Airflow's.

    python dbt_metrics.py --target-dir shop/target --command build --target dev \\
        --gateway http://127.0.0.1:9091
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

JOB = "dbt"
MODEL_STATES = ("success", "error", "skipped")
TEST_STATES = ("pass", "warn", "fail", "error", "skipped")
FRESHNESS_STATES = ("pass", "warn", "error", "runtime_error")
PERIOD_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
# Grouping-key values travel in the URL path and become label values: keep them plain.
PLAIN = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

HELP = {
    "dbt_invocation_timestamp_seconds": ("Time dbt wrote the invocation's artifacts, Unix seconds", "gauge"),
    "dbt_invocation_duration_seconds": ("Wall-clock duration of the invocation", "gauge"),
    "dbt_invocation_nodes": ("Nodes of the invocation by final status", "gauge"),
    "dbt_model_status": ("1 for the model's status in the latest invocation, 0 for the other states", "gauge"),
    "dbt_model_duration_seconds": ("Execution time of the model in the latest invocation", "gauge"),
    "dbt_model_rows_affected": ("Rows the model's statement affected, as the adapter reports them", "gauge"),
    "dbt_model_upstream": ("1 for every model the model reads from, directly or through others", "gauge"),
    "dbt_model_columns": ("Columns of the model's relation", "gauge"),
    "dbt_model_schema_fingerprint": ("Number derived from the model's column names and types: it changes when they do", "gauge"),
    "dbt_test_status": ("1 for the test's status in the latest invocation, 0 for the other states", "gauge"),
    "dbt_test_failures": ("Rows the test found failing in the latest invocation", "gauge"),
    "dbt_source_max_loaded_at_timestamp_seconds": ("Newest loaded_at value of the source table, Unix seconds", "gauge"),
    "dbt_source_freshness_warn_after_seconds": ("Age past which dbt warns about the source table", "gauge"),
    "dbt_source_freshness_error_after_seconds": ("Age past which dbt errors about the source table", "gauge"),
    "dbt_source_freshness_status": ("1 for the source table's freshness status in the latest check, 0 for the others", "gauge"),
}


class Metrics:
    """Samples by family, rendered in the Prometheus text format."""

    def __init__(self) -> None:
        self.samples: dict[str, list[tuple[dict[str, str], float]]] = {}

    def add(self, family: str, labels: dict[str, str], value: float) -> None:
        if family not in HELP:
            raise ValueError(f"{family} is not a dbt metric family")
        self.samples.setdefault(family, []).append((labels, value))

    def state_set(self, family: str, labels: dict[str, str], states: tuple[str, ...], current: str) -> None:
        for state in states:
            self.add(family, {**labels, "status": state}, 1 if state == current else 0)

    def render(self) -> str:
        lines: list[str] = []
        for family, samples in self.samples.items():
            help_text, kind = HELP[family]
            lines += [f"# HELP {family} {help_text}", f"# TYPE {family} {kind}"]
            for labels, value in samples:
                rendered = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
                lines.append(f"{family}{{{rendered}}} {_number(value)}" if rendered else f"{family} {_number(value)}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _timestamp(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _owner(node: dict) -> str:
    meta = {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}
    return str(meta.get("owner", ""))


def _period_seconds(threshold: dict | None) -> float | None:
    if not threshold or threshold.get("count") is None or threshold.get("period") is None:
        return None
    return threshold["count"] * PERIOD_SECONDS[threshold["period"]]


class Manifest:
    """The parts of manifest.json the metrics need: names, owners, severities and model lineage."""

    def __init__(self, manifest: dict) -> None:
        self.nodes: dict[str, dict] = manifest.get("nodes", {})
        self.sources: dict[str, dict] = manifest.get("sources", {})
        self.project = manifest.get("metadata", {}).get("project_name")

    def name(self, unique_id: str) -> str:
        return self.nodes.get(unique_id, {}).get("name") or unique_id.split(".")[-1]

    def models(self) -> list[str]:
        return sorted(uid for uid, node in self.nodes.items() if node.get("resource_type") == "model")

    def parent_models(self, unique_id: str) -> list[str]:
        parents = (self.nodes.get(unique_id, {}).get("depends_on") or {}).get("nodes") or []
        return [p for p in parents if p.startswith("model.")]

    def ancestors(self, unique_id: str) -> set[str]:
        found: set[str] = set()
        pending = self.parent_models(unique_id)
        while pending:
            parent = pending.pop()
            if parent not in found:
                found.add(parent)
                pending += self.parent_models(parent)
        return found

    def tested_model(self, unique_id: str) -> str | None:
        """The model a test covers: its attached node, else the first model it reads."""
        attached = self.nodes.get(unique_id, {}).get("attached_node")
        if attached and attached.startswith("model."):
            return attached
        parents = sorted(self.parent_models(unique_id))
        return parents[0] if parents else None


def model_columns(uid: str, manifest: Manifest, catalog: dict | None) -> dict[str, str]:
    """The model's columns and types: the warehouse's (catalog.json of `dbt docs generate`), else those the project declares."""
    if catalog is not None and uid in catalog.get("nodes", {}):
        columns = catalog["nodes"][uid].get("columns", {})
        return {name.lower(): str(c.get("type", "")).lower() for name, c in columns.items()}
    columns = manifest.nodes.get(uid, {}).get("columns", {})
    return {name.lower(): str(c.get("data_type") or "").lower() for name, c in columns.items()}


def schema_fingerprint(columns: dict[str, str]) -> int:
    """48 bits of a hash of the sorted columns: exact in a float64 sample, changed by any added, removed or retyped column."""
    text = ",".join(f"{name}:{kind}" for name, kind in sorted(columns.items()))
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def run_metrics(run_results: dict, manifest: Manifest, catalog: dict | None = None) -> Metrics:
    """Metrics of a build/run/test/seed/snapshot invocation."""
    metrics = Metrics()
    invocation_metrics(metrics, run_results)
    for result in run_results.get("results", []):
        uid = result["unique_id"]
        node = manifest.nodes.get(uid, {})
        status = str(result.get("status", "")).lower()
        if uid.startswith("model."):
            labels = {"model": manifest.name(uid), "owner": _owner(node)}
            metrics.state_set("dbt_model_status", labels, MODEL_STATES, status)
            metrics.add("dbt_model_duration_seconds", labels, float(result.get("execution_time") or 0))
            rows = (result.get("adapter_response") or {}).get("rows_affected")
            if isinstance(rows, int) and rows >= 0:
                metrics.add("dbt_model_rows_affected", labels, rows)
        elif uid.startswith("test."):
            severity = str((node.get("config") or {}).get("severity", "error")).lower()
            model = manifest.tested_model(uid)
            # A test's owner is its own meta owner, else its model's: who fixes the data it checks.
            owner = _owner(node) or (_owner(manifest.nodes.get(model, {})) if model else "")
            labels = {"test": manifest.name(uid), "model": manifest.name(model) if model else "", "dbt_severity": severity, "owner": owner}
            metrics.state_set("dbt_test_status", labels, TEST_STATES, status)
            metrics.add("dbt_test_failures", labels, float(result.get("failures") or 0))
    for uid in manifest.models():
        columns = model_columns(uid, manifest, catalog)
        if columns:
            labels = {"model": manifest.name(uid), "owner": _owner(manifest.nodes[uid])}
            metrics.add("dbt_model_columns", labels, len(columns))
            metrics.add("dbt_model_schema_fingerprint", labels, schema_fingerprint(columns))
        for upstream in sorted(manifest.ancestors(uid)):
            metrics.add("dbt_model_upstream", {"model": manifest.name(uid), "upstream": manifest.name(upstream)}, 1)
    return metrics


def freshness_metrics(sources: dict, manifest: Manifest) -> Metrics:
    """Metrics of a `dbt source freshness` invocation."""
    metrics = Metrics()
    invocation_metrics(metrics, sources)
    for result in sources.get("results", []):
        uid = result["unique_id"]
        source = manifest.sources.get(uid, {})
        parts = uid.split(".")
        labels = {"source": source.get("source_name", parts[-2]), "table": source.get("name", parts[-1]), "owner": _owner(source)}
        status = str(result.get("status", "")).lower().replace(" ", "_")
        metrics.state_set("dbt_source_freshness_status", labels, FRESHNESS_STATES, status)
        loaded = _timestamp(result.get("max_loaded_at"))
        if loaded is not None:
            metrics.add("dbt_source_max_loaded_at_timestamp_seconds", labels, loaded)
        criteria = result.get("criteria") or {}
        for family, key in (("dbt_source_freshness_warn_after_seconds", "warn_after"), ("dbt_source_freshness_error_after_seconds", "error_after")):
            seconds = _period_seconds(criteria.get(key))
            if seconds is not None:
                metrics.add(family, labels, seconds)
    return metrics


def invocation_metrics(metrics: Metrics, artifact: dict) -> None:
    generated = _timestamp(artifact.get("metadata", {}).get("generated_at"))
    if generated is not None:
        metrics.add("dbt_invocation_timestamp_seconds", {}, generated)
    metrics.add("dbt_invocation_duration_seconds", {}, float(artifact.get("elapsed_time") or 0))
    counts: dict[str, int] = {}
    for result in artifact.get("results", []):
        status = str(result.get("status", "")).lower().replace(" ", "_")
        counts[status] = counts.get(status, 0) + 1
    for status, count in sorted(counts.items()):
        metrics.add("dbt_invocation_nodes", {"status": status}, count)


def artifact_metrics(target_dir: Path, command: str) -> tuple[Metrics, str | None]:
    """The invocation's metrics and the project name the manifest gives."""
    manifest = Manifest(json.loads((target_dir / "manifest.json").read_text()))
    if command == "source_freshness":
        return freshness_metrics(json.loads((target_dir / "sources.json").read_text()), manifest), manifest.project
    catalog_file = target_dir / "catalog.json"
    catalog = json.loads(catalog_file.read_text()) if catalog_file.exists() else None
    return run_metrics(json.loads((target_dir / "run_results.json").read_text()), manifest, catalog), manifest.project


def group_url(gateway: str, project: str, target: str, command: str) -> str:
    for name, value in (("project", project), ("target", target), ("command", command)):
        if not PLAIN.match(value or ""):
            raise ValueError(f"{name} {value!r} must be 1-100 letters, digits, '_', '.' or '-' (it names the Pushgateway group)")
    path = "/".join(urllib.parse.quote(p, safe="") for p in ("job", JOB, "project", project, "target", target, "command", command))
    return f"{gateway.rstrip('/')}/metrics/{path}"


def push(url: str, body: str, timeout: float = 10) -> None:
    """PUT replaces the whole group: what this invocation did not produce is gone, not left stale."""
    request = urllib.request.Request(url, data=body.encode(), method="PUT", headers={"Content-Type": "text/plain; version=0.0.4"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if response.status >= 300:
            raise RuntimeError(f"Pushgateway answered {response.status} for {url}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-dir", type=Path, required=True, help="dbt's target/ directory after the invocation")
    parser.add_argument("--command", required=True, help="build, run, test, seed, snapshot or source_freshness")
    parser.add_argument("--target", required=True, help="the dbt target (profile output) the invocation ran against")
    parser.add_argument("--project", help="project label (default: the manifest's project name)")
    parser.add_argument("--gateway", help="Pushgateway base URL; without it the metrics are printed")
    args = parser.parse_args(argv)
    metrics, manifest_project = artifact_metrics(args.target_dir, args.command)
    body = metrics.render()
    if not args.gateway:
        sys.stdout.write(body)
        return 0
    push(group_url(args.gateway, args.project or manifest_project or "", args.target, args.command), body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
