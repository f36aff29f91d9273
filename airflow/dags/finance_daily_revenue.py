"""finance.daily_revenue: checks a day of warehouse orders and sums the revenue per currency.

Its dag_id has a dot, as team-prefixed ids often do in Airflow: every metric
carries it whole in the `dag_id` label (docs/airflow.md).
"""

from __future__ import annotations

import logging

from airflow.sdk import dag, task

from pipewatch import defaults, revenue
from pipewatch_metrics import record_completeness, record_dq_result, record_rows

DAG_ID = "finance.daily_revenue"
log = logging.getLogger(__name__)


@dag(
    dag_id=DAG_ID,
    description="Checks a day of warehouse orders and sums the revenue per currency",
    schedule="30 3 * * *",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args("finance"),
    tags=["pipewatch", "finance"],
)
def finance_daily_revenue():
    @task
    def check_orders(dag_run=None) -> dict:
        # A failed check is published and alerted on by its own rule; the run goes on, as in data_quality.
        result = revenue.check_orders(dag_run.run_after)
        record_dq_result(DAG_ID, revenue.ORDERS_PRICED.name, result.passed)
        record_completeness(DAG_ID, revenue.ORDERS_PRICED.dataset, result.completeness)
        if not result.passed:
            log.warning("check %s failed: %s", revenue.ORDERS_PRICED.name, result)
        return {"passed": result.passed, "rows": result.rows}

    @task
    def sum_revenue(dag_run=None) -> dict:
        orders = revenue.stored_orders(dag_run.run_after)
        report = revenue.revenue_by_currency(orders)
        revenue.write_report(dag_run.run_after, report)
        record_rows(DAG_ID, int(sum(totals["orders"] for totals in report.values())))
        return report

    check_orders() >> sum_revenue()


finance_daily_revenue()
