"""Stands in for the upstream systems that drop order and customer files in the landing zone.

A batch is deterministic per hour, so a rerun lands identical files. Orders
carry a small, fixed share of defects (a missing customer id, an unparseable
amount) so the schema-violation counter and the completeness ratio measure
something real while staying inside the example specs' thresholds.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from pipewatch import lake, tables

ORDER_COLUMNS = ("order_id", "customer_id", "amount", "currency", "ordered_at")
CUSTOMER_COLUMNS = ("customer_id", "email", "country", "signed_up_at")
ORDERS_PER_HOUR = 200
CUSTOMERS_PER_HOUR = 40
CUSTOMER_IDS = range(1, 2001)
# Zipf-like activity: a few customers order every hour, most rarely, so churn has something to learn.
ACTIVITY = [1 / customer_id for customer_id in CUSTOMER_IDS]
MISSING_CUSTOMER_EVERY = 100
UNPARSEABLE_AMOUNT_ROW = 42


def orders(hour: datetime) -> list[dict[str, str]]:
    rng = random.Random(f"orders-{hour:%Y%m%d%H}")
    customers = rng.choices(CUSTOMER_IDS, weights=ACTIVITY, k=ORDERS_PER_HOUR)
    return [
        {
            "order_id": f"{hour:%Y%m%d%H}-{i:04d}",
            "customer_id": "" if i % MISSING_CUSTOMER_EVERY == 7 else str(customer),
            "amount": "n/a" if i == UNPARSEABLE_AMOUNT_ROW else f"{rng.uniform(5, 250):.2f}",
            "currency": rng.choice(("eur", "EUR", "usd")),
            "ordered_at": (hour + timedelta(seconds=rng.randrange(3600))).isoformat(),
        }
        for i, customer in enumerate(customers)
    ]


def customers(hour: datetime) -> list[dict[str, str]]:
    rng = random.Random(f"customers-{hour:%Y%m%d%H}")
    return [
        {
            "customer_id": str(customer),
            "email": f"Customer{customer}@example.com",
            "country": rng.choice(("DE", "FR", "NL", "US")),
            "signed_up_at": (hour - timedelta(days=rng.randrange(1, 900))).isoformat(),
        }
        for customer in sorted(rng.sample(CUSTOMER_IDS, CUSTOMERS_PER_HOUR))
    ]


DATASETS = {"orders": (orders, ORDER_COLUMNS), "customers": (customers, CUSTOMER_COLUMNS)}


def drop(dataset: str, hour: datetime) -> Path:
    """Writes the hour's file of one dataset into the landing zone."""
    rows, columns = DATASETS[dataset]
    path = lake.zone("landing") / dataset / lake.partition(hour) / f"{dataset}_{hour:%Y%m%d%H}.csv"
    return tables.write_csv(path, rows(hour), columns)
