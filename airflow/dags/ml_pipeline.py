"""ml_pipeline: builds churn features from the warehouse, trains the model and scores every customer.

Step timings come from Airflow's own task duration metric
(airflow.dag.ml_pipeline.<task_id>.duration), so the tasks don't time themselves.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from pipewatch import defaults, ml
from pipewatch_metrics import record_rows

DAG_ID = "ml_pipeline"


@dag(
    dag_id=DAG_ID,
    description="Trains and scores the churn model",
    schedule="0 2 * * *",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args("ml"),
    tags=["pipewatch", "ml"],
)
def ml_pipeline():
    @task
    def build_features(dag_run=None) -> str:
        return ml.build_features(dag_run.run_after)

    @task
    def train(features_path: str) -> str:
        return ml.train(features_path)

    @task
    def score(features_path: str, model_path: str) -> int:
        scored = ml.score(features_path, model_path)
        record_rows(DAG_ID, scored)
        return scored

    features = build_features()
    score(features, train(features))


ml_pipeline()
