"""Data-quality checks as pure functions over rows (mappings of column to value).

Rows come from CSV (every value a string, '' for missing) or Parquet (typed
values, None for missing); the functions accept both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

Row = Mapping[str, object]
Parser = Callable[[object], object]
Schema = Mapping[str, Parser]


def integer(value: object) -> int:
    # Through str() so 4.0 and True are rejected instead of silently becoming 4 and 1.
    return int(str(value))


def decimal(value: object) -> float:
    number = float(str(value))
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def text(value: object) -> str:
    return str(value).strip()


def timestamp(value: object) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {value!r}")
    return parsed


def is_null(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_row(row: Row, schema: Schema) -> dict[str, object] | None:
    """The row's schema columns parsed to their types, or None when a column is missing or a value doesn't parse.

    Missing values stay None: they are a completeness problem, not a schema violation.
    """
    parsed: dict[str, object] = {}
    for column, parse in schema.items():
        if column not in row:
            return None
        value = row[column]
        if is_null(value):
            parsed[column] = None
            continue
        try:
            parsed[column] = parse(value)
        except (TypeError, ValueError):
            return None
    return parsed


def schema_violations(rows: Sequence[Row], schema: Schema) -> int:
    return sum(parse_row(row, schema) is None for row in rows)


def completeness(rows: Sequence[Row], required: Sequence[str]) -> float:
    """Share of rows with a value in every required column; no rows at all is 0, the gap these checks exist to catch."""
    if not rows:
        return 0.0
    complete = sum(all(not is_null(row.get(column)) for column in required) for row in rows)
    return complete / len(rows)


def duplicates(rows: Sequence[Row], key: str) -> int:
    """Rows whose key value already appeared in an earlier row (missing keys are completeness's concern)."""
    seen: set[object] = set()
    repeated = 0
    for row in rows:
        value = row.get(key)
        if is_null(value):
            continue
        if value in seen:
            repeated += 1
        seen.add(value)
    return repeated


@dataclass(frozen=True)
class Check:
    """One data-quality check, named as in the pipeline spec (PipelineSpec.dataQualityChecks)."""

    name: str
    dataset: str
    min_completeness: float
    required: tuple[str, ...]
    unique_key: str | None = None


@dataclass(frozen=True)
class CheckResult:
    check: Check
    rows: int
    completeness: float
    duplicates: int
    schema_violations: int

    @property
    def passed(self) -> bool:
        return self.completeness >= self.check.min_completeness and self.duplicates == 0 and self.schema_violations == 0


def run_check(check: Check, rows: Sequence[Row], schema: Schema) -> CheckResult:
    return CheckResult(
        check=check,
        rows=len(rows),
        completeness=completeness(rows, check.required),
        duplicates=duplicates(rows, check.unique_key) if check.unique_key else 0,
        schema_violations=schema_violations(rows, schema),
    )
