"""Pipeline outcome metrics, sent through Airflow's own StatsD client.

Each function sends one StatsD line that statsd-exporter maps to a pipewatch_*
family (content/metrics/catalog.ts, PIPELINE_METRICS). The labels travel as
tags: with ``[metrics] statsd_influxdb_enabled`` (the stack's setting),
Airflow's client sends ``airflow.pipewatch.rows_processed,dag_id=team.etl:480|c``,
and statsd-exporter turns each tag into a label, so a dotted dag_id stays whole.
"""

from __future__ import annotations

import re

from airflow.stats import Stats

# Airflow's key rule for dag and task ids; also what its StatsD client lets through in a tag.
_TAG_VALUE = re.compile(r"[A-Za-z0-9_.-]{1,250}")


def _tags(**labels: str) -> dict[str, str]:
    """Labels as tags, refused here when Airflow's client would drop the whole line."""
    for label, value in labels.items():
        if not _TAG_VALUE.fullmatch(value):
            raise ValueError(
                f"{label} {value!r} cannot be a StatsD tag: use 1 to 250 letters, digits, '_', '.' or '-'"
            )
    return labels


def _count(value: int, what: str) -> int:
    if value < 0:
        raise ValueError(f"{what} is a counter and cannot go down: got {value}")
    return value


def record_rows(dag_id: str, rows: int) -> None:
    """Adds to pipewatch_pipeline_rows_processed_total{dag_id}."""
    Stats.incr("pipewatch.rows_processed", count=_count(rows, "rows processed"), tags=_tags(dag_id=dag_id))


def record_dq_result(dag_id: str, check: str, passed: bool) -> None:
    """Counts one run of a data-quality check in pipewatch_dq_checks_{passed,failed}_total{dag_id,check}."""
    Stats.incr("pipewatch.dq.passed" if passed else "pipewatch.dq.failed", tags=_tags(dag_id=dag_id, check=check))


def record_completeness(dag_id: str, dataset: str, ratio: float) -> None:
    """Sets pipewatch_dq_completeness_ratio{dag_id,dataset}."""
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"completeness is a ratio between 0 and 1: got {ratio}")
    Stats.gauge("pipewatch.dq.completeness", ratio, tags=_tags(dag_id=dag_id, dataset=dataset))


def record_schema_violations(dag_id: str, dataset: str, records: int) -> None:
    """Adds to pipewatch_dq_schema_violations_total{dag_id,dataset}."""
    Stats.incr(
        "pipewatch.dq.schema_violations",
        count=_count(records, "schema violations"),
        tags=_tags(dag_id=dag_id, dataset=dataset),
    )
