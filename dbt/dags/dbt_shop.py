"""dbt_shop: checks the freshness of the example dbt project's sources, then builds it (docs/dbt.md).

Each dbt invocation's artifacts go to the Pushgateway as metrics (dbt_metrics.py), also, and above all,
when dbt fails: that is when the alerts need them. The task fails after the push, so Airflow shows
the failure too. Needs dbt with dbt-postgres where the task runs (scripts/install-dbt.sh builds such a
virtualenv) and the warehouse's PG* variables, with the password in PGPASSWORD or a ~/.pgpass file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import dag, task

import dbt_metrics

DAG_ID = "dbt_shop"
PROJECT_DIR = Path(os.environ.get("PIPEWATCH_DBT_PROJECT_DIR", Path(__file__).resolve().parents[1] / "shop"))
DBT = os.environ.get("PIPEWATCH_DBT_BIN", "dbt")
TARGET = os.environ.get("PIPEWATCH_DBT_TARGET", "dev")
PUSHGATEWAY_URL = os.environ.get("PIPEWATCH_PUSHGATEWAY_URL", "http://pushgateway:9091")
# The project's declared selectors (DbtProjectSpec.selectors; dbtDagEnvironment renders them): space-separated
# expressions, or a selectors.yml name, which dbt would let override the expressions.
SELECT = os.environ.get("PIPEWATCH_DBT_SELECT", "").split()
EXCLUDE = os.environ.get("PIPEWATCH_DBT_EXCLUDE", "").split()
SELECTOR = os.environ.get("PIPEWATCH_DBT_SELECTOR", "")
# The dbt commands this DAG runs, as dbt_metrics names them (the `command` label of their metrics).
COMMANDS = {"source_freshness": ["source", "freshness"], "build": ["build"]}

log = logging.getLogger(__name__)


def selection_args() -> list[str]:
    """Freshness and build take the same selection: `+fct_orders` checks the sources that model reads and builds it."""
    if SELECTOR and (SELECT or EXCLUDE):
        raise ValueError("PIPEWATCH_DBT_SELECTOR and PIPEWATCH_DBT_SELECT/EXCLUDE are both set: dbt would ignore the expressions")
    if SELECTOR:
        return ["--selector", SELECTOR]
    return (["--select", *SELECT] if SELECT else []) + (["--exclude", *EXCLUDE] if EXCLUDE else [])


def dbt_args(command: str, target_dir: str) -> list[str]:
    """The dbt command line; artifacts and logs go to a directory of the run's own, never into the project."""
    return [
        DBT,
        *COMMANDS[command],
        "--project-dir", str(PROJECT_DIR),
        "--profiles-dir", str(PROJECT_DIR),
        "--target", TARGET,
        "--target-path", target_dir,
        "--log-path", str(Path(target_dir) / "logs"),
        *selection_args(),
    ]


def invoke(command: str) -> None:
    """Runs one dbt command, pushes its artifacts' metrics, then fails if dbt failed."""
    with tempfile.TemporaryDirectory(prefix=f"dbt-{command}-") as target_dir:
        result = subprocess.run(dbt_args(command, target_dir), check=False)
        if (Path(target_dir) / "manifest.json").exists():
            dbt_metrics.main(["--target-dir", target_dir, "--command", command, "--target", TARGET, "--gateway", PUSHGATEWAY_URL])
        else:
            log.error("dbt %s wrote no manifest (it stopped before parsing the project): nothing to push", command)
    if result.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(COMMANDS[command])} exited with {result.returncode}; its metrics were pushed")


@dag(
    dag_id=DAG_ID,
    description="Checks source freshness and builds the example dbt project, pushing dbt's results to Prometheus",
    schedule="30 * * * *",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "analytics", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["pipewatch", "dbt"],
)
def dbt_shop():
    @task
    def source_freshness() -> None:
        invoke("source_freshness")

    # Stale sources are worth an alert, not a skipped build: build whatever the freshness check said.
    @task(trigger_rule="all_done")
    def build() -> None:
        invoke("build")

    source_freshness() >> build()


dbt_shop()
