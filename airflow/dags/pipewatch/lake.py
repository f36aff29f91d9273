"""Where the example platform keeps its data, and which hourly partition a run works on."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path


def data_dir() -> Path:
    """PIPEWATCH_DATA_DIR, else AIRFLOW_HOME/data: local files, so the DAGs need no external service."""
    configured = os.environ.get("PIPEWATCH_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("AIRFLOW_HOME", Path.home() / "airflow")) / "data"


def zone(name: str) -> Path:
    """A top-level area of the data dir: landing, raw, staging, warehouse or ml."""
    return data_dir() / name


def partition_hour(run_after: datetime) -> datetime:
    """The last full hour before the run.

    The hourly DAGs start at :00, :15 and :45; anchoring on the previous full
    hour makes ingest, ETL and the quality checks work on the same partition.
    """
    hour = run_after.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return hour - timedelta(hours=1)


def partition(hour: datetime) -> str:
    return f"dt={hour:%Y-%m-%d}/hr={hour:%H}"
