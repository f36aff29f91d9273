"""The warehouse tables the example ETL loads and the quality checks read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pipewatch import lake, tables
from pipewatch.quality import Row, Schema, decimal, integer, parse_row, text, timestamp


def currency(value: object) -> str:
    code = str(value).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"not an ISO currency code: {value!r}")
    return code


def email(value: object) -> str:
    address = str(value).strip().lower()
    if "@" not in address:
        raise ValueError(f"not an email address: {value!r}")
    return address


@dataclass(frozen=True)
class Table:
    name: str
    # The `dataset` label of the pipewatch_dq_* metrics, as in the pipeline spec.
    dataset: str
    # The parsers validate and normalise in one step (e.g. currency codes upper-cased).
    schema: Schema

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.schema)

    def partition_base(self, hour: datetime) -> Path:
        return lake.zone("warehouse") / self.name / lake.partition(hour)


ORDERS = Table(
    name="orders",
    dataset="warehouse_orders",
    schema={"order_id": text, "customer_id": integer, "amount": decimal, "currency": currency, "ordered_at": timestamp},
)
CUSTOMERS = Table(
    name="customers",
    dataset="warehouse_customers",
    schema={"customer_id": integer, "email": email, "country": text, "signed_up_at": timestamp},
)
TABLES = (ORDERS, CUSTOMERS)
TABLES_BY_DATASET = {table.dataset: table for table in TABLES}


def conform(table: Table, rows: Iterable[Row]) -> tuple[list[dict[str, object]], int]:
    """Rows parsed to the table's types, and how many were rejected for violating its schema."""
    conformed, rejected = [], 0
    for row in rows:
        parsed = parse_row(row, table.schema)
        if parsed is None:
            rejected += 1
        else:
            conformed.append(parsed)
    return conformed, rejected


def read_partition(table: Table, hour: datetime) -> list[dict[str, object]]:
    """The hour's rows as stored (no parsing); an hour never loaded has none."""
    try:
        path = tables.find_table(table.partition_base(hour))
    except FileNotFoundError:
        return []
    return tables.read_table(path)


def read_hours(table: Table, start: datetime, end: datetime) -> list[dict[str, object]]:
    """Typed, schema-conforming rows of the hourly partitions from start up to end."""
    rows: list[dict[str, object]] = []
    hour = start
    while hour < end:
        rows.extend(conform(table, read_partition(table, hour))[0])
        hour += timedelta(hours=1)
    return rows
