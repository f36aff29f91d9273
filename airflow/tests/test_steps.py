"""The pipelines' steps on a local data dir, without a scheduler."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipewatch import churn, etl, ingest, lake, source, tables, warehouse

HOUR = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)


def test_every_hourly_dag_works_on_the_last_full_hour_before_its_run():
    for minute in (0, 15, 45):
        assert lake.partition_hour(HOUR + timedelta(hours=1, minutes=minute)) == HOUR
    assert lake.partition(HOUR) == "dt=2026-01-01/hr=09"


def test_the_data_dir_defaults_to_airflow_home(monkeypatch, tmp_path):
    monkeypatch.delenv("PIPEWATCH_DATA_DIR", raising=False)
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    assert lake.data_dir() == tmp_path / "data"


def test_the_demo_source_is_deterministic_with_a_fixed_share_of_defects():
    orders = source.orders(HOUR)
    assert orders == source.orders(HOUR)
    assert len(orders) == source.ORDERS_PER_HOUR
    assert sum(order["customer_id"] == "" for order in orders) == 2
    assert sum(order["amount"] == "n/a" for order in orders) == 1
    assert len({c["customer_id"] for c in source.customers(HOUR)}) == source.CUSTOMERS_PER_HOUR


def test_ingest_lands_a_demo_batch_once_and_registers_the_hour(data_dir):
    files = ingest.new_files(HOUR)
    assert files == [
        "orders/dt=2026-01-01/hr=09/orders_2026010109.csv",
        "customers/dt=2026-01-01/hr=09/customers_2026010109.csv",
    ]
    assert ingest.copy_to_raw(files) == source.ORDERS_PER_HOUR + source.CUSTOMERS_PER_HOUR
    assert ingest.new_files(HOUR) == []
    assert ingest.register_partitions(HOUR) == ["orders/dt=2026-01-01/hr=09", "customers/dt=2026-01-01/hr=09"]
    assert ingest.catalog() == {"customers": ["dt=2026-01-01/hr=09"], "orders": ["dt=2026-01-01/hr=09"]}


def test_files_an_upstream_system_dropped_take_precedence_over_the_demo_source(data_dir):
    dropped = data_dir / "landing" / "orders" / lake.partition(HOUR) / "upstream.csv"
    tables.write_csv(dropped, source.orders(HOUR)[:5], source.ORDER_COLUMNS)
    # Only the dataset without an upstream file gets a demo file.
    assert ingest.new_files(HOUR) == [
        "orders/dt=2026-01-01/hr=09/upstream.csv",
        "customers/dt=2026-01-01/hr=09/customers_2026010109.csv",
    ]


def test_etl_refuses_an_hour_ingest_has_not_registered(data_dir):
    with pytest.raises(FileNotFoundError, match="datalake_ingest has not finished"):
        etl.extract(HOUR)


def test_etl_rejects_rows_that_break_the_schema_and_loads_the_rest(data_dir):
    ingest.copy_to_raw(ingest.new_files(HOUR))
    ingest.register_partitions(HOUR)
    transformed = etl.transform(etl.extract(HOUR), HOUR)
    assert {name: step["rejected"] for name, step in transformed.items()} == {"orders": 1, "customers": 0}
    assert etl.load(transformed, HOUR) == {"orders": source.ORDERS_PER_HOUR - 1, "customers": source.CUSTOMERS_PER_HOUR}
    loaded = warehouse.read_hours(warehouse.ORDERS, HOUR, HOUR + timedelta(hours=1))
    assert {order["currency"] for order in loaded} <= {"EUR", "USD"}


def test_a_column_missing_upstream_is_rejected_not_read_as_missing_values(data_dir):
    rows = [{k: v for k, v in order.items() if k != "amount"} for order in source.orders(HOUR)[:3]]
    tables.write_csv(
        data_dir / "raw" / "orders" / lake.partition(HOUR) / "orders.csv",
        rows,
        ("order_id", "customer_id", "currency", "ordered_at"),
    )
    tables.write_csv(
        data_dir / "raw" / "customers" / lake.partition(HOUR) / "customers.csv", [], source.CUSTOMER_COLUMNS
    )
    ingest.register_partitions(HOUR)
    assert etl.transform(etl.extract(HOUR), HOUR)["orders"]["rejected"] == 3


@pytest.mark.parametrize("with_pyarrow", [True, False], ids=["parquet", "csv without pyarrow"])
def test_tables_round_trip_typed_rows(data_dir, monkeypatch, with_pyarrow):
    if not with_pyarrow:
        monkeypatch.setattr(tables, "parquet", None)
    rows = [
        {"order_id": "a", "customer_id": 1, "amount": 2.5, "currency": "EUR", "ordered_at": HOUR},
        {"order_id": "b", "customer_id": None, "amount": 3.0, "currency": "USD", "ordered_at": HOUR},
    ]
    written = tables.write_table(data_dir / "t", rows, warehouse.ORDERS.columns)
    assert written.suffix == (".parquet" if with_pyarrow else ".csv")
    assert tables.find_table(data_dir / "t") == written
    assert warehouse.conform(warehouse.ORDERS, tables.read_table(written)) == (rows, 0)


def test_churn_model_learns_that_recent_frequent_customers_stay():
    x = [[10.0, 500.0, 2.0], [8.0, 300.0, 5.0], [1.0, 20.0, 150.0], [2.0, 40.0, 120.0]]
    model = churn.train(x, [0, 0, 1, 1])
    staying, leaving = churn.predict(model, [9.0, 400.0, 3.0]), churn.predict(model, [1.0, 10.0, 160.0])
    assert staying < 0.5 < leaving


def test_churn_labels_customers_without_an_order_in_the_horizon():
    as_of = HOUR + timedelta(days=2)
    orders = [
        {"customer_id": 1, "amount": 10.0, "ordered_at": as_of - timedelta(days=1, hours=5)},
        {"customer_id": 1, "amount": 10.0, "ordered_at": as_of - timedelta(hours=3)},
        {"customer_id": 2, "amount": 10.0, "ordered_at": as_of - timedelta(days=1, hours=2)},
        {"customer_id": None, "amount": 10.0, "ordered_at": as_of - timedelta(days=1, hours=2)},
    ]
    x, y = churn.training_set(orders, as_of)
    assert x == [[1.0, 10.0, 5.0], [1.0, 10.0, 2.0]]
    assert y == [0, 1]
