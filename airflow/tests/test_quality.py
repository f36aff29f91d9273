"""The data-quality checks as pure functions: no Airflow, rows in, numbers out."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipewatch import warehouse
from pipewatch.quality import (
    Check,
    completeness,
    decimal,
    duplicates,
    integer,
    parse_row,
    run_check,
    schema_violations,
    timestamp,
)

SCHEMA = {"id": integer, "amount": decimal, "at": timestamp}
AT = "2026-01-01T10:00:00+00:00"


def test_completeness_is_the_share_of_rows_with_every_required_value():
    rows = [
        {"id": "1", "amount": "2.5"},
        {"id": "", "amount": "3"},
        {"id": "3", "amount": None},
        {"id": "4", "amount": " "},
    ]
    assert completeness(rows, ["id"]) == 0.75
    assert completeness(rows, ["id", "amount"]) == 0.25


def test_no_rows_at_all_is_not_complete():
    assert completeness([], ["id"]) == 0.0


def test_duplicates_count_repeats_and_ignore_missing_keys():
    rows = [{"id": 1}, {"id": 2}, {"id": 1}, {"id": 1}, {"id": None}, {"id": None}]
    assert duplicates(rows, "id") == 2


@pytest.mark.parametrize(
    "row",
    [
        {"id": "1", "amount": "2.5"},
        {"id": "1.0", "amount": "2.5", "at": AT},
        {"id": 1.0, "amount": "2.5", "at": AT},
        {"id": "1", "amount": "n/a", "at": AT},
        {"id": "1", "amount": "nan", "at": AT},
        {"id": "1", "amount": "2.5", "at": "2026-01-01T10:00:00"},
    ],
    ids=[
        "missing column",
        "fractional integer text",
        "float for integer",
        "text for decimal",
        "not finite",
        "naive timestamp",
    ],
)
def test_a_row_that_breaks_the_schema_is_a_violation(row):
    assert parse_row(row, SCHEMA) is None
    assert schema_violations([row], SCHEMA) == 1


def test_a_conforming_row_is_parsed_and_missing_values_stay_missing():
    parsed = parse_row({"id": "7", "amount": "", "at": AT, "extra": "ignored"}, SCHEMA)
    assert parsed == {"id": 7, "amount": None, "at": datetime(2026, 1, 1, 10, tzinfo=timezone.utc)}


def test_typed_values_from_parquet_conform_like_their_text_from_csv():
    typed = {"id": 7, "amount": 2.5, "at": datetime(2026, 1, 1, 10, tzinfo=timezone.utc)}
    assert parse_row(typed, SCHEMA) == parse_row({"id": "7", "amount": "2.5", "at": AT}, SCHEMA)


ORDERS_CHECK = Check(name="orders_not_null", dataset="warehouse_orders", min_completeness=0.75, required=("id",))
UNIQUE_CHECK = Check(name="ids_unique", dataset="ids", min_completeness=0.0, required=(), unique_key="id")


def test_a_check_passes_at_its_completeness_threshold():
    rows = [{"id": str(i), "amount": "1", "at": AT} for i in range(3)] + [{"id": "", "amount": "1", "at": AT}]
    result = run_check(ORDERS_CHECK, rows, SCHEMA)
    assert (result.rows, result.completeness, result.passed) == (4, 0.75, True)


def test_a_check_fails_below_its_completeness_threshold():
    rows = [{"id": "1", "amount": "1", "at": AT}] + [{"id": "", "amount": "1", "at": AT}] * 2
    assert run_check(ORDERS_CHECK, rows, SCHEMA).passed is False


def test_a_check_fails_on_an_empty_dataset():
    result = run_check(ORDERS_CHECK, [], SCHEMA)
    assert (result.completeness, result.passed) == (0.0, False)


def test_a_check_fails_on_a_duplicate_key():
    rows = [{"id": "1", "amount": "1", "at": AT}, {"id": "1", "amount": "2", "at": AT}]
    result = run_check(UNIQUE_CHECK, rows, SCHEMA)
    assert (result.duplicates, result.passed) == (1, False)


def test_a_check_fails_on_a_schema_violation():
    rows = [{"id": "1", "amount": "1", "at": AT}, {"id": "2", "amount": "n/a", "at": AT}]
    result = run_check(ORDERS_CHECK, rows, SCHEMA)
    assert (result.schema_violations, result.passed) == (1, False)


def test_conforming_to_a_warehouse_table_normalises_and_counts_rejects():
    rows = [
        {"customer_id": "1", "email": " Ann@Example.COM ", "country": "DE", "signed_up_at": AT},
        {"customer_id": "2", "email": "not-an-address", "country": "FR", "signed_up_at": AT},
    ]
    conformed, rejected = warehouse.conform(warehouse.CUSTOMERS, rows)
    assert rejected == 1
    assert [row["email"] for row in conformed] == ["ann@example.com"]


def test_currency_codes_are_upper_cased_and_must_have_three_letters():
    assert warehouse.currency(" eur ") == "EUR"
    with pytest.raises(ValueError):
        warehouse.currency("euro")
