"""The finance.daily_revenue pipeline's steps: a day of warehouse orders checked, then summed per currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from pipewatch import lake, quality, tables, warehouse

ORDERS_PRICED = quality.Check(
    name="orders_priced",
    dataset=warehouse.ORDERS.dataset,
    min_completeness=0.98,
    required=("order_id", "amount", "currency"),
)
REPORT_COLUMNS = ("currency", "orders", "revenue")


def day_hours(run_after: datetime) -> list[datetime]:
    """The 24 hourly partitions up to and including the last full hour before the run."""
    last = lake.partition_hour(run_after)
    return [last - timedelta(hours=back) for back in range(23, -1, -1)]


def stored_orders(run_after: datetime) -> list[dict[str, object]]:
    """The day's orders as the warehouse holds them; hours never loaded have none."""
    return [row for hour in day_hours(run_after) for row in warehouse.read_partition(warehouse.ORDERS, hour)]


def check_orders(run_after: datetime) -> quality.CheckResult:
    return quality.run_check(ORDERS_PRICED, stored_orders(run_after), warehouse.ORDERS.schema)


def revenue_by_currency(orders: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    """Orders and summed amounts per currency, of the orders that conform to the table's schema."""
    report: dict[str, dict[str, float]] = defaultdict(lambda: {"orders": 0, "revenue": 0.0})
    for order in warehouse.conform(warehouse.ORDERS, orders)[0]:
        entry = report[str(order["currency"])]
        entry["orders"] += 1
        entry["revenue"] = round(entry["revenue"] + float(order["amount"]), 2)
    return dict(sorted(report.items()))


def write_report(run_after: datetime, report: dict[str, dict[str, float]]) -> Path:
    day = lake.partition_hour(run_after)
    path = lake.zone("finance") / "daily_revenue" / f"dt={day:%Y-%m-%d}" / "revenue.csv"
    rows = [{"currency": currency, **totals} for currency, totals in report.items()]
    return tables.write_csv(path, rows, REPORT_COLUMNS)
