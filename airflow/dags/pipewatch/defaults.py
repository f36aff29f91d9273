"""Settings every example DAG shares."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Fixed and in the past, with catchup off: a new deployment starts at the latest interval.
START_DATE = datetime(2025, 1, 1, tzinfo=timezone.utc)


def default_args(owner: str) -> dict:
    """Task defaults; the owner is the team the pipeline's alerts route to (PipelineSpec.ownerTeam)."""
    return {"owner": owner, "retries": 2, "retry_delay": timedelta(minutes=2)}
