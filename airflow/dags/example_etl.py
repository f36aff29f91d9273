"""example_etl: extracts the hour's orders and customers from the raw zone, conforms them and loads the warehouse."""

from __future__ import annotations

from airflow.sdk import dag, task

from pipewatch import defaults, etl, lake, warehouse
from pipewatch_metrics import record_rows, record_schema_violations

DAG_ID = "example_etl"


@dag(
    dag_id=DAG_ID,
    description="Extracts orders, transforms them and loads the warehouse",
    schedule="15 * * * *",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args("analytics"),
    tags=["pipewatch", "etl"],
)
def example_etl():
    @task
    def extract(dag_run=None) -> dict[str, str]:
        return etl.extract(lake.partition_hour(dag_run.run_after))

    @task
    def transform(extracted: dict[str, str], dag_run=None) -> dict[str, dict]:
        transformed = etl.transform(extracted, lake.partition_hour(dag_run.run_after))
        for table in warehouse.TABLES:
            record_schema_violations(DAG_ID, table.dataset, transformed[table.name]["rejected"])
        return transformed

    @task
    def load(transformed: dict[str, dict], dag_run=None) -> dict[str, int]:
        loaded = etl.load(transformed, lake.partition_hour(dag_run.run_after))
        record_rows(DAG_ID, sum(loaded.values()))
        return loaded

    load(transform(extract()))


example_etl()
