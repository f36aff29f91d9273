"""example_etl: extracts the hour's orders and customers from the raw zone, conforms them and loads the warehouse.

Each step runs in a span of its own (etl.extract, etl.validate, etl.transform,
etl.write), a child of the span Airflow starts for the task try when traces are
on, with row counts and file sizes as attributes (docs/logs-and-traces.md).
A manual run with the conf {"fail_step": "<step>"} fails that step on purpose,
to show a failure in the trace.
"""

from __future__ import annotations

from pathlib import Path

from airflow.sdk import dag, task

from pipewatch import defaults, etl, lake, tables, warehouse
from pipewatch.tracing import step, step_tracer
from pipewatch_metrics import record_rows, record_schema_violations

DAG_ID = "example_etl"


def fail_if_asked(dag_run, name: str) -> None:
    etl.fail_if_asked(dag_run.conf or {}, name)


def file_attributes(paths: dict[str, str]) -> dict[str, int]:
    """Rows and bytes of each table's file, as span attributes."""
    attributes = {}
    for name, path in paths.items():
        attributes[f"etl.{name}.rows"] = len(tables.read_table(Path(path)))
        attributes[f"etl.{name}.bytes"] = Path(path).stat().st_size
    return attributes


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
    def extract(dag_run=None, ti=None) -> dict[str, str]:
        hour = lake.partition_hour(dag_run.run_after)
        with step_tracer(ti.context_carrier) as tracer, step(tracer, "extract", **{"etl.partition": lake.partition(hour)}) as span:
            fail_if_asked(dag_run, "extract")
            extracted = etl.extract(hour)
            span.set_attributes(file_attributes(extracted))
        return extracted

    @task
    def transform(extracted: dict[str, str], dag_run=None, ti=None) -> dict[str, dict]:
        hour = lake.partition_hour(dag_run.run_after)
        with step_tracer(ti.context_carrier) as tracer:
            with step(tracer, "validate") as span:
                fail_if_asked(dag_run, "validate")
                validated = etl.validate(extracted)
                for name, (rows, rejected) in validated.items():
                    span.set_attributes({f"etl.{name}.rows": len(rows), f"etl.{name}.rejected": rejected})
            with step(tracer, "transform") as span:
                fail_if_asked(dag_run, "transform")
                transformed = etl.conform(validated, hour)
                span.set_attributes(file_attributes({name: facts["path"] for name, facts in transformed.items()}))
        for table in warehouse.TABLES:
            record_schema_violations(DAG_ID, table.dataset, transformed[table.name]["rejected"])
        return transformed

    @task
    def load(transformed: dict[str, dict], dag_run=None, ti=None) -> dict[str, int]:
        hour = lake.partition_hour(dag_run.run_after)
        with step_tracer(ti.context_carrier) as tracer, step(tracer, "write") as span:
            fail_if_asked(dag_run, "write")
            written = etl.write(transformed, hour)
            for name, facts in written.items():
                span.set_attributes({f"etl.{name}.rows": facts["rows"], f"etl.{name}.bytes": facts["bytes"]})
        loaded = {name: facts["rows"] for name, facts in written.items()}
        record_rows(DAG_ID, sum(loaded.values()))
        return loaded

    load(transform(extract()))


example_etl()
