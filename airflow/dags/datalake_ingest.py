"""datalake_ingest: lands the hour's raw order and customer files in the data lake's raw zone."""

from __future__ import annotations

from airflow.sdk import dag, task

from pipewatch import defaults, ingest, lake
from pipewatch_metrics import record_rows

DAG_ID = "datalake_ingest"


@dag(
    dag_id=DAG_ID,
    description="Lands raw order and customer files in the data lake",
    schedule="@hourly",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args("data-platform"),
    tags=["pipewatch", "ingest"],
)
def datalake_ingest():
    @task
    def list_new_files(dag_run=None) -> list[str]:
        return ingest.new_files(lake.partition_hour(dag_run.run_after))

    @task
    def copy_to_raw_zone(files: list[str]) -> int:
        rows = ingest.copy_to_raw(files)
        record_rows(DAG_ID, rows)
        return rows

    @task
    def register_partitions(dag_run=None) -> list[str]:
        return ingest.register_partitions(lake.partition_hour(dag_run.run_after))

    copy_to_raw_zone(list_new_files()) >> register_partitions()


datalake_ingest()
