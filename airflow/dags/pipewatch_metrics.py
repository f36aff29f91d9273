"""Pipeline outcome metrics, sent through Airflow's own StatsD client.

Each function sends one StatsD line that statsd-exporter maps to a pipewatch_*
family (content/metrics/catalog.ts, PIPELINE_METRICS). Airflow's client adds
its ``statsd_prefix`` (``airflow``), so ``pipewatch.rows_processed.example_etl``
arrives as ``airflow.pipewatch.rows_processed.example_etl`` and travels the same
path as Airflow's own metrics.
"""

from __future__ import annotations

import re
import time
from typing import Any

from airflow.stats import Stats

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def name_part(value: str) -> str:
    """One part of a stat name.

    statsd-exporter's ``*`` captures exactly one dot-separated part, so a dot in
    a dag_id would shift every label after it, and a colon would end the name.
    """
    part = _UNSAFE.sub("_", value)
    if not part:
        raise ValueError("a stat name part must not be empty: pass the dag_id, check or dataset name")
    return part


def _stat(metric: str, *parts: str) -> str:
    return ".".join(["pipewatch", metric, *(name_part(p) for p in parts)])


def _count(value: int, what: str) -> int:
    if value < 0:
        raise ValueError(f"{what} is a counter and cannot go down: got {value}")
    return value


def record_success(dag_id: str) -> None:
    """Sets pipewatch_pipeline_last_success_timestamp_seconds{dag_id} to now."""
    Stats.gauge(_stat("last_success_timestamp", dag_id), time.time())


def record_rows(dag_id: str, rows: int) -> None:
    """Adds to pipewatch_pipeline_rows_processed_total{dag_id}."""
    Stats.incr(_stat("rows_processed", dag_id), count=_count(rows, "rows processed"))


def record_dq_result(dag_id: str, check: str, passed: bool) -> None:
    """Counts one run of a data-quality check in pipewatch_dq_checks_{passed,failed}_total{dag_id,check}."""
    Stats.incr(_stat("dq.passed" if passed else "dq.failed", dag_id, check))


def record_completeness(dag_id: str, dataset: str, ratio: float) -> None:
    """Sets pipewatch_dq_completeness_ratio{dag_id,dataset}."""
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"completeness is a ratio between 0 and 1: got {ratio}")
    Stats.gauge(_stat("dq.completeness", dag_id, dataset), ratio)


def record_schema_violations(dag_id: str, dataset: str, records: int) -> None:
    """Adds to pipewatch_dq_schema_violations_total{dag_id,dataset}."""
    Stats.incr(_stat("dq.schema_violations", dag_id, dataset), count=_count(records, "schema violations"))


def record_dag_success(context: Any) -> None:
    """DAG ``on_success_callback``: the dag-processor runs it once the whole run has succeeded."""
    record_success(context["dag"].dag_id)
