"""GIVEN the example dbt DAG (dbt/dags) parsed the way the dag-processor parses it.

It lives outside airflow/dags: the bundled Airflow image has no dbt, and every DAG there is a pipeline
of pipelines.yaml. Its runs against a real dbt and PostgreSQL are the dbt tier's (npm run test:dbt).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from airflow.models.dagbag import BundleDagBag

from conftest import REPO_DIR

DBT_DAGS_DIR = REPO_DIR / "dbt" / "dags"


@pytest.fixture(scope="module")
def dagbag():
    sys.path.insert(0, str(DBT_DAGS_DIR))
    try:
        yield BundleDagBag(dag_folder=DBT_DAGS_DIR, bundle_path=DBT_DAGS_DIR)
    finally:
        sys.path.remove(str(DBT_DAGS_DIR))


@pytest.fixture(scope="module")
def dbt_dag(dagbag):
    return dagbag.dags["dbt_shop"]


def test_the_folder_holds_one_dag_and_the_metrics_helper_is_not_parsed_as_a_dag_file(dagbag):
    assert dagbag.import_errors == {}
    assert dagbag.dag_ids == ["dbt_shop"]
    assert {Path(stat.file).name for stat in dagbag.dagbag_stats} == {"dbt_shop.py"}


def test_freshness_is_checked_hourly_before_the_build_which_runs_whatever_freshness_said(dbt_dag):
    assert dbt_dag.timetable.summary == "30 * * * *"
    assert dbt_dag.catchup is False
    freshness, build = dbt_dag.get_task("source_freshness"), dbt_dag.get_task("build")
    assert freshness.downstream_task_ids == {"build"}
    assert build.trigger_rule == "all_done"
    assert build.owner == "analytics"


def test_dbt_writes_its_artifacts_outside_the_project_against_the_chosen_target(dbt_dag):
    import dbt_shop

    args = dbt_shop.dbt_args("source_freshness", "/tmp/run-1")
    assert args[1:3] == ["source", "freshness"]
    assert args[args.index("--target-path") + 1] == "/tmp/run-1"
    assert args[args.index("--project-dir") + 1] == str(REPO_DIR / "dbt" / "shop")
    assert args[args.index("--target") + 1] == "dev"
    assert dbt_shop.dbt_args("build", "/tmp/run-2")[1] == "build"


def test_a_failed_dbt_run_fails_the_task_after_saying_why(dbt_dag, monkeypatch):
    import dbt_shop

    monkeypatch.setattr(dbt_shop, "DBT", "false")
    with pytest.raises(RuntimeError, match="dbt build exited with 1"):
        dbt_shop.invoke("build")


def test_without_declared_selectors_dbt_runs_the_whole_project(dbt_dag):
    import dbt_shop

    args = dbt_shop.dbt_args("build", "/tmp/run-3")
    assert "--select" not in args and "--exclude" not in args and "--selector" not in args


def test_declared_select_and_exclude_expressions_reach_both_dbt_commands(dbt_dag, monkeypatch):
    import dbt_shop

    monkeypatch.setattr(dbt_shop, "SELECT", ["tag:hourly", "+fct_orders"])
    monkeypatch.setattr(dbt_shop, "EXCLUDE", ["tag:deprecated"])
    for command in ("build", "source_freshness"):
        args = dbt_shop.dbt_args(command, "/tmp/run-4")
        assert args[-5:] == ["--select", "tag:hourly", "+fct_orders", "--exclude", "tag:deprecated"]


def test_a_declared_named_selector_is_passed_alone(dbt_dag, monkeypatch):
    import dbt_shop

    monkeypatch.setattr(dbt_shop, "SELECTOR", "nightly")
    assert dbt_shop.dbt_args("build", "/tmp/run-5")[-2:] == ["--selector", "nightly"]
    monkeypatch.setattr(dbt_shop, "SELECT", ["tag:hourly"])
    with pytest.raises(ValueError, match="dbt would ignore the expressions"):
        dbt_shop.dbt_args("build", "/tmp/run-5")
