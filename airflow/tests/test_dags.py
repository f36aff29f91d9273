"""GIVEN the DAG folder parsed the way the dag-processor parses it, THEN it holds exactly the specified pipelines."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from airflow.models.dagbag import BundleDagBag

from conftest import DAGS_DIR, EXPECTED_PIPELINES
from pipewatch import warehouse


@pytest.fixture(scope="module")
def dagbag() -> BundleDagBag:
    return BundleDagBag(dag_folder=DAGS_DIR, bundle_path=DAGS_DIR)


def test_every_dag_file_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}


def test_helper_modules_are_not_parsed_as_dag_files(dagbag):
    parsed = {Path(stat.file).name for stat in dagbag.dagbag_stats}
    assert parsed == {"datalake_ingest.py", "example_etl.py", "data_quality.py", "ml_pipeline.py", "finance_daily_revenue.py"}


def test_the_dags_are_exactly_the_specified_pipelines(dagbag):
    assert sorted(dagbag.dag_ids) == sorted(spec["dagId"] for spec in EXPECTED_PIPELINES)


@pytest.mark.parametrize("spec", EXPECTED_PIPELINES, ids=lambda spec: spec["dagId"])
def test_schedule_and_owner_match_the_spec(dagbag, spec):
    dag = dagbag.dags[spec["dagId"]]
    assert dag.schedule == spec["schedule"]
    assert {task.owner for task in dag.tasks} == {spec["ownerTeam"]}


@pytest.mark.parametrize("spec", EXPECTED_PIPELINES, ids=lambda spec: spec["dagId"])
def test_tasks_run_in_the_specified_order(dagbag, spec):
    dag = dagbag.dags[spec["dagId"]]
    order = spec["tasks"]
    assert sorted(dag.task_ids) == sorted(order)
    assert dag.get_task(order[0]).upstream_task_ids == set()
    # A direct edge between every pair of neighbours leaves exactly one possible run order.
    for before, after in itertools.pairwise(order):
        assert after in dag.get_task(before).downstream_task_ids, f"{before} must run directly before {after}"


@pytest.mark.parametrize("spec", EXPECTED_PIPELINES, ids=lambda spec: spec["dagId"])
def test_runs_retry_and_do_not_catch_up(dagbag, spec):
    dag = dagbag.dags[spec["dagId"]]
    assert all(task.retries >= 1 for task in dag.tasks)
    assert dag.catchup is False
    assert "pipewatch" in dag.tags


def test_data_quality_checks_match_the_spec():
    import data_quality

    spec = next(spec for spec in EXPECTED_PIPELINES if spec["dagId"] == "data_quality")
    checks = [
        {"name": check.name, "dataset": check.dataset, "minCompleteness": check.min_completeness}
        for check in data_quality.CHECKS
    ]
    assert checks == spec["dataQualityChecks"]
    assert all(check.dataset in warehouse.TABLES_BY_DATASET for check in data_quality.CHECKS)


def test_daily_revenue_check_matches_the_spec():
    from pipewatch import revenue

    spec = next(spec for spec in EXPECTED_PIPELINES if spec["dagId"] == "finance.daily_revenue")
    check = revenue.ORDERS_PRICED
    assert [{"name": check.name, "dataset": check.dataset, "minCompleteness": check.min_completeness}] == spec["dataQualityChecks"]
