"""Reading and writing table files.

Warehouse tables are Parquet when pyarrow is installed (the Airflow image ships
it) and CSV otherwise, so the DAGs also run on a bare Airflow install. Every
write goes through a temporary file and a rename, so a retried task never
leaves half a file behind.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

try:
    import pyarrow
    import pyarrow.parquet as parquet
except ImportError:
    parquet = None

Row = Mapping[str, object]


def replace_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Calls write(temporary path), then renames the result onto path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)
    return path


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, rows: Iterable[Row], columns: Sequence[str]) -> Path:
    def write(target: Path) -> None:
        with target.open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows({c: _csv_value(row.get(c)) for c in columns} for row in rows)

    return replace_atomically(path, write)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as source:
        return list(csv.DictReader(source))


def write_table(base: Path, rows: Iterable[Row], columns: Sequence[str]) -> Path:
    """Writes base.parquet (base.csv without pyarrow) and returns the file written."""
    if parquet is None:
        return write_csv(base.with_name(base.name + ".csv"), rows, columns)
    rows = list(rows)
    table = pyarrow.table({c: [row.get(c) for row in rows] for c in columns})
    return replace_atomically(base.with_name(base.name + ".parquet"), lambda target: parquet.write_table(table, target))


def read_table(path: Path) -> list[dict[str, object]]:
    if path.suffix == ".parquet":
        if parquet is None:
            raise RuntimeError(f"{path} is Parquet but pyarrow is not installed: pip install pyarrow")
        return parquet.read_table(path).to_pylist()
    return read_csv(path)


def find_table(base: Path) -> Path:
    """The file a write_table(base, ...) produced, whichever format it chose."""
    for suffix in (".parquet", ".csv"):
        candidate = base.with_name(base.name + suffix)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"no table at {base}.parquet or {base}.csv")
