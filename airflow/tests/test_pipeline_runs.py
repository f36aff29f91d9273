"""GIVEN an empty lake and a fresh Airflow database, WHEN the five DAGs run one after another with dag.test(),
THEN every run succeeds, the warehouse and the churn scores are written and the pipeline metrics are sent."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone

import pytest
from airflow.models.dagbag import BundleDagBag

from conftest import DAGS_DIR
from pipewatch import lake, source, tables

# An ml_pipeline run; it learns from the hour a day before its one-day horizon and labels with the last hour.
ML_RUN = datetime(2026, 1, 8, 2, tzinfo=timezone.utc)
HOURS = (ML_RUN - timedelta(hours=26), ML_RUN - timedelta(hours=2))


@pytest.fixture(scope="module")
def dags():
    from airflow.utils import db

    db.resetdb()
    return BundleDagBag(dag_folder=DAGS_DIR, bundle_path=DAGS_DIR).dags


@pytest.fixture(autouse=True)
def one_execution_api(monkeypatch):
    """dag.test() builds an in-process Execution API per task (~3 s of route generation each); one serves them all."""
    from airflow.sdk.execution_time import supervisor

    monkeypatch.setattr(supervisor, "in_process_api_server", functools.cache(supervisor.in_process_api_server))


def test_the_example_platform_runs_end_to_end(dags, data_dir, statsd):
    lines: list[str] = []

    def run(dag_id: str, run_after: datetime) -> None:
        dag_run = dags[dag_id].test(logical_date=run_after, run_after=run_after)
        failed = [ti.task_id for ti in dag_run.get_task_instances() if ti.state != "success"]
        assert (dag_run.state, failed) == ("success", []), f"{dag_id} at {run_after}"
        # Collected after every run so the socket's buffer never overflows with Airflow's own metrics.
        lines.extend(statsd.pipewatch_lines())

    for hour in HOURS:
        run("datalake_ingest", hour + timedelta(hours=1))
        run("example_etl", hour + timedelta(hours=1, minutes=15))
    run("data_quality", HOURS[-1] + timedelta(hours=1, minutes=45))
    run("ml_pipeline", ML_RUN)
    # Its day (03:00 to 03:00) holds the second ETL hour only.
    run("finance.daily_revenue", ML_RUN + timedelta(hours=1, minutes=30))

    loaded_orders = source.ORDERS_PER_HOUR - 1  # the demo source's one unparseable amount is rejected
    for expected in [
        f"airflow.pipewatch.rows_processed,dag_id=datalake_ingest:{source.ORDERS_PER_HOUR + source.CUSTOMERS_PER_HOUR}|c",
        "airflow.pipewatch.dq.schema_violations,dag_id=example_etl,dataset=warehouse_orders:1|c",
        "airflow.pipewatch.dq.schema_violations,dag_id=example_etl,dataset=warehouse_customers:0|c",
        f"airflow.pipewatch.rows_processed,dag_id=example_etl:{loaded_orders + source.CUSTOMERS_PER_HOUR}|c",
        "airflow.pipewatch.dq.passed,dag_id=data_quality,check=orders_not_null:1|c",
        "airflow.pipewatch.dq.passed,dag_id=data_quality,check=customers_unique:1|c",
        f"airflow.pipewatch.dq.completeness,dag_id=data_quality,dataset=warehouse_orders:{(loaded_orders - 2) / loaded_orders}|g",
        "airflow.pipewatch.dq.completeness,dag_id=data_quality,dataset=warehouse_customers:1.0|g",
        # Every loaded order has an id, an amount and a currency; only customer ids are missing.
        "airflow.pipewatch.dq.passed,dag_id=finance.daily_revenue,check=orders_priced:1|c",
        "airflow.pipewatch.dq.completeness,dag_id=finance.daily_revenue,dataset=warehouse_orders:1.0|g",
        f"airflow.pipewatch.rows_processed,dag_id=finance.daily_revenue:{loaded_orders}|c",
    ]:
        assert expected in lines

    scores = tables.read_table(tables.find_table(lake.zone("ml") / "scores" / "churn_2026010802"))
    assert scores and all(0.0 <= row["churn_probability"] <= 1.0 for row in scores)
    assert f"airflow.pipewatch.rows_processed,dag_id=ml_pipeline:{len(scores)}|c" in lines

    report = tables.read_csv(lake.zone("finance") / "daily_revenue" / "dt=2026-01-08" / "revenue.csv")
    assert [row["currency"] for row in report] == ["EUR", "USD"]
    assert sum(int(row["orders"]) for row in report) == loaded_orders
