"""Steps of example_etl: the hour's raw orders and customers, conformed to the warehouse tables' schemas."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipewatch import ingest, lake, tables, warehouse


class StepFailedOnPurpose(RuntimeError):
    """Raised by the step a run's `fail_step` conf names: how a failure is shown in the trace."""


def fail_if_asked(conf: dict, step: str) -> None:
    if conf.get("fail_step") == step:
        raise StepFailedOnPurpose(f"step {step} failed on purpose: the run's conf sets fail_step={step}")


def _staging(step: str, table: warehouse.Table, hour: datetime) -> Path:
    return lake.zone("staging") / step / table.name / lake.partition(hour)


def extract(hour: datetime) -> dict[str, str]:
    """Gathers each table's registered raw files for the hour into one staging CSV; returns the paths by table."""
    registered = ingest.catalog()
    partition = lake.partition(hour)
    extracted = {}
    for table in warehouse.TABLES:
        if partition not in registered.get(table.name, []):
            raise FileNotFoundError(
                f"raw partition {table.name}/{partition} is not registered: datalake_ingest has not finished that hour"
            )
        files = sorted((lake.zone("raw") / table.name / partition).glob("*.csv"))
        rows = [row for path in files for row in tables.read_csv(path)]
        # The columns as found, not the table's: a column missing upstream must stay missing for transform to reject.
        columns = list(dict.fromkeys(column for row in rows for column in row))
        base = _staging("extracted", table, hour)
        extracted[table.name] = str(tables.write_csv(base.with_name(base.name + ".csv"), rows, columns))
    return extracted


def validate(extracted: dict[str, str]) -> dict[str, tuple[list[dict[str, object]], int]]:
    """Parses each table's extracted rows against its schema: the rows that conform, and how many were rejected."""
    return {table.name: warehouse.conform(table, tables.read_csv(Path(extracted[table.name]))) for table in warehouse.TABLES}


def conform(validated: dict[str, tuple[list[dict[str, object]], int]], hour: datetime) -> dict[str, dict]:
    """Writes each table's conformed rows to staging; returns, by table, the file and the rows rejected."""
    transformed = {}
    for table in warehouse.TABLES:
        rows, rejected = validated[table.name]
        path = tables.write_table(_staging("conformed", table, hour), rows, table.columns)
        transformed[table.name] = {"path": str(path), "rejected": rejected}
    return transformed


def transform(extracted: dict[str, str], hour: datetime) -> dict[str, dict]:
    """Parses and normalises each table's rows; returns, by table, the conformed file and the rows rejected."""
    return conform(validate(extracted), hour)


def load(transformed: dict[str, dict], hour: datetime) -> dict[str, int]:
    """Publishes each conformed table as the hour's warehouse partition (replacing earlier loads); rows by table."""
    return {name: facts["rows"] for name, facts in write(transformed, hour).items()}


def write(transformed: dict[str, dict], hour: datetime) -> dict[str, dict]:
    """`load`, with each warehouse file written and its size in bytes, by table."""
    written = {}
    for table in warehouse.TABLES:
        rows = tables.read_table(Path(transformed[table.name]["path"]))
        path = tables.write_table(table.partition_base(hour), rows, table.columns)
        written[table.name] = {"rows": len(rows), "path": str(path), "bytes": path.stat().st_size}
    return written
