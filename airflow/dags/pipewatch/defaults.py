"""Settings every example DAG shares."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.exceptions import AirflowFailException

# Fixed and in the past, with catchup off: a new deployment starts at the latest interval.
START_DATE = datetime(2025, 1, 1, tzinfo=timezone.utc)

# Airflow Variable: comma-separated dag_ids whose tasks fail on purpose, to see a real run failure alerted.
FAIL_SWITCH = "pipewatch_fail_dags"


def fail_when_switched(context) -> None:
    """Runs before every task: fails it at once, without retries, while its DAG is listed in FAIL_SWITCH."""
    from airflow.sdk import Variable

    dag_id = context["dag"].dag_id
    if dag_id in {listed.strip() for listed in Variable.get(FAIL_SWITCH, default="").split(",")}:
        raise AirflowFailException(f"{dag_id} is listed in the Airflow Variable {FAIL_SWITCH}")


def default_args(owner: str) -> dict:
    """Task defaults; the owner is the team the pipeline's alerts route to (PipelineSpec.ownerTeam)."""
    return {"owner": owner, "retries": 2, "retry_delay": timedelta(minutes=2), "pre_execute": fail_when_switched}
