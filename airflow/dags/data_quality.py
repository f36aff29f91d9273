"""data_quality: checks completeness, uniqueness and schema of the hour's warehouse tables and publishes the results.

A failed check is published as a metric (pipewatch_dq_checks_failed_total) and
alerted on by its own rule; the task still succeeds, so a run failure means the
checks could not be run, not that the data is bad.
"""

from __future__ import annotations

import logging
from datetime import datetime

from airflow.sdk import dag, task

from pipewatch import defaults, lake, quality, warehouse
from pipewatch_metrics import (
    record_completeness,
    record_dq_result,
    record_rows,
    record_schema_violations,
)

DAG_ID = "data_quality"
log = logging.getLogger(__name__)

# Names, datasets and thresholds as in the pipeline spec (pipelines.yaml).
ORDERS_NOT_NULL = quality.Check(
    name="orders_not_null",
    dataset="warehouse_orders",
    min_completeness=0.98,
    required=("order_id", "customer_id", "amount"),
)
CUSTOMERS_UNIQUE = quality.Check(
    name="customers_unique",
    dataset="warehouse_customers",
    min_completeness=0.99,
    required=("customer_id", "email"),
    unique_key="customer_id",
)
CHECKS = (ORDERS_NOT_NULL, CUSTOMERS_UNIQUE)


def run_and_publish(check: quality.Check, run_after: datetime) -> dict:
    table = warehouse.TABLES_BY_DATASET[check.dataset]
    hour = lake.partition_hour(run_after)
    result = quality.run_check(check, warehouse.read_partition(table, hour), table.schema)
    record_dq_result(DAG_ID, check.name, result.passed)
    record_completeness(DAG_ID, check.dataset, result.completeness)
    record_schema_violations(DAG_ID, check.dataset, result.schema_violations)
    record_rows(DAG_ID, result.rows)
    if not result.passed:
        log.warning("check %s failed on %s %s: %s", check.name, check.dataset, lake.partition(hour), result)
    return {"passed": result.passed, "rows": result.rows, "completeness": result.completeness}


@dag(
    dag_id=DAG_ID,
    description="Checks completeness and schema of the warehouse tables",
    schedule="45 * * * *",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args("analytics"),
    tags=["pipewatch", "data-quality"],
)
def data_quality():
    @task
    def check_orders(dag_run=None) -> dict:
        return run_and_publish(ORDERS_NOT_NULL, dag_run.run_after)

    @task
    def check_customers(dag_run=None) -> dict:
        return run_and_publish(CUSTOMERS_UNIQUE, dag_run.run_after)

    check_orders() >> check_customers()


data_quality()
