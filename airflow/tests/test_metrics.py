"""GIVEN Airflow's StatsD client pointed at a local socket, WHEN the helpers record an outcome,
THEN the exact line statsd-exporter's pipeline mappings expect arrives."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

import pipewatch_metrics
from conftest import REPO_DIR
from pipewatch_metrics import (
    record_completeness,
    record_dag_success,
    record_dq_result,
    record_rows,
    record_schema_violations,
    record_success,
)

NOW = 1767225600.25

CALLS_AND_LINES = [
    (lambda: record_success("example_etl"), "airflow.pipewatch.last_success_timestamp.example_etl:1767225600.25|g"),
    (
        lambda: record_dag_success({"dag": SimpleNamespace(dag_id="ml_pipeline")}),
        "airflow.pipewatch.last_success_timestamp.ml_pipeline:1767225600.25|g",
    ),
    (lambda: record_rows("datalake_ingest", 480), "airflow.pipewatch.rows_processed.datalake_ingest:480|c"),
    (
        lambda: record_dq_result("data_quality", "orders_not_null", True),
        "airflow.pipewatch.dq.passed.data_quality.orders_not_null:1|c",
    ),
    (
        lambda: record_dq_result("data_quality", "customers_unique", False),
        "airflow.pipewatch.dq.failed.data_quality.customers_unique:1|c",
    ),
    (
        lambda: record_completeness("data_quality", "warehouse_orders", 0.985),
        "airflow.pipewatch.dq.completeness.data_quality.warehouse_orders:0.985|g",
    ),
    (
        lambda: record_schema_violations("example_etl", "warehouse_orders", 3),
        "airflow.pipewatch.dq.schema_violations.example_etl.warehouse_orders:3|c",
    ),
    # Dots and colons would shift or cut the exporter's captures, so they become underscores.
    (
        lambda: record_dq_result("sales.daily", "orders:not null", False),
        "airflow.pipewatch.dq.failed.sales_daily.orders_not_null:1|c",
    ),
]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(pipewatch_metrics.time, "time", lambda: NOW)


@pytest.mark.parametrize("call, line", CALLS_AND_LINES, ids=[line.split(":")[0] for _, line in CALLS_AND_LINES])
def test_helper_sends_the_exact_statsd_line(statsd, call, line):
    call()
    assert statsd.pipewatch_lines() == [line]


def _catalog_patterns() -> dict[str, re.Pattern]:
    """The pipeline families' statsd match globs from the metric catalog, as regexes (`*` is one dot-free part)."""
    catalog = (REPO_DIR / "content" / "metrics" / "catalog.ts").read_text()
    globs = dict(re.findall(r"pipeline\('(\w+)'.*?glob\('(airflow\.pipewatch\.[^']+)'", catalog))
    return {name: re.compile(re.escape(glob).replace(r"\*", "[^.:]+") + r":") for name, glob in globs.items()}


def test_every_pipeline_family_in_the_catalog_is_sent_by_a_helper(statsd):
    patterns = _catalog_patterns()
    assert len(patterns) == 6, "expected the six pipeline families of content/metrics/catalog.ts"
    for call, _ in CALLS_AND_LINES:
        call()
    lines = statsd.pipewatch_lines()
    for line in lines:
        assert [name for name, p in patterns.items() if p.match(line)], f"{line} matches no catalog pattern"
    for name, pattern in patterns.items():
        assert any(pattern.match(line) for line in lines), f"no helper sends {name}"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: record_rows("", 1), "must not be empty"),
        (lambda: record_rows("example_etl", -1), "cannot go down"),
        (lambda: record_schema_violations("example_etl", "warehouse_orders", -2), "cannot go down"),
        (lambda: record_completeness("data_quality", "warehouse_orders", 1.5), "between 0 and 1"),
    ],
    ids=["empty dag_id", "negative rows", "negative violations", "ratio above 1"],
)
def test_helper_refuses_values_the_metric_cannot_hold(statsd, call, message):
    with pytest.raises(ValueError, match=message):
        call()
    assert statsd.pipewatch_lines() == []
