"""GIVEN Airflow's StatsD client pointed at a local socket with the stack's settings (tags on), WHEN the helpers
record an outcome, THEN the exact line statsd-exporter's pipeline mappings expect arrives, labels as tags."""

from __future__ import annotations

import re

import pytest

from conftest import REPO_DIR
from pipewatch_metrics import (
    record_completeness,
    record_dq_result,
    record_rows,
    record_schema_violations,
)

CALLS_AND_LINES = [
    (lambda: record_rows("datalake_ingest", 480), "airflow.pipewatch.rows_processed,dag_id=datalake_ingest:480|c"),
    (
        lambda: record_dq_result("data_quality", "orders_not_null", True),
        "airflow.pipewatch.dq.passed,dag_id=data_quality,check=orders_not_null:1|c",
    ),
    (
        lambda: record_dq_result("data_quality", "customers_unique", False),
        "airflow.pipewatch.dq.failed,dag_id=data_quality,check=customers_unique:1|c",
    ),
    (
        lambda: record_completeness("data_quality", "warehouse_orders", 0.985),
        "airflow.pipewatch.dq.completeness,dag_id=data_quality,dataset=warehouse_orders:0.985|g",
    ),
    (
        lambda: record_schema_violations("example_etl", "warehouse_orders", 3),
        "airflow.pipewatch.dq.schema_violations,dag_id=example_etl,dataset=warehouse_orders:3|c",
    ),
    # A dotted dag_id (and check) stays whole: it is a tag value, not a part of the name.
    (
        lambda: record_dq_result("finance.daily_revenue", "orders.priced", False),
        "airflow.pipewatch.dq.failed,dag_id=finance.daily_revenue,check=orders.priced:1|c",
    ),
]


@pytest.mark.parametrize("call, line", CALLS_AND_LINES, ids=[line.split(":")[0] for _, line in CALLS_AND_LINES])
def test_helper_sends_the_exact_statsd_line(statsd, call, line):
    call()
    assert statsd.pipewatch_lines() == [line]


def _catalog_names() -> dict[str, str]:
    """The pipeline families' StatsD names from the metric catalog."""
    catalog = (REPO_DIR / "content" / "metrics" / "catalog.ts").read_text()
    return dict(re.findall(r"pipeline\('(\w+)'.*?\{ match: '(airflow\.pipewatch\.[^']+)' \}", catalog))


def test_every_pipeline_family_in_the_catalog_is_sent_by_a_helper(statsd):
    names = _catalog_names()
    assert len(names) == 5, "expected the five pipeline families of content/metrics/catalog.ts"
    for call, _ in CALLS_AND_LINES:
        call()
    sent = {line.split(",")[0] for line in statsd.pipewatch_lines()}
    assert sent == set(names.values())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: record_rows("", 1), "cannot be a StatsD tag"),
        (lambda: record_dq_result("data_quality", "orders:not null", True), "check 'orders:not null' cannot be a StatsD tag"),
        (lambda: record_completeness("data_quality", "orders,eu", 1.0), "dataset 'orders,eu' cannot be a StatsD tag"),
        (lambda: record_rows("example_etl", -1), "cannot go down"),
        (lambda: record_schema_violations("example_etl", "warehouse_orders", -2), "cannot go down"),
        (lambda: record_completeness("data_quality", "warehouse_orders", 1.5), "between 0 and 1"),
    ],
    ids=["empty dag_id", "colon and space in a check", "comma in a dataset", "negative rows", "negative violations", "ratio above 1"],
)
def test_helper_refuses_values_the_metric_cannot_hold(statsd, call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
    assert statsd.pipewatch_lines() == []
