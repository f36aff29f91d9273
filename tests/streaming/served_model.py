"""Logs the streaming tier's served model (fraud_scorer_model.py) to an MLflow tracking server.

    served_model.py --tracking-uri http://127.0.0.1:PORT --experiment NAME

Prints the model's URI (runs:/<run id>/model) on its last line, for `mlflow models serve -m`.
"""

import argparse
from pathlib import Path

import mlflow
import pandas as pd

MODEL_CODE = Path(__file__).with_name("fraud_scorer_model.py")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--experiment", required=True)
    args = parser.parse_args()
    mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_experiment(args.experiment)
    example = pd.DataFrame({"amount": [12.5, 700.0], "delay_seconds": [0.0, 0.0]})
    with mlflow.start_run() as run:
        # pip_requirements: the serving environment is the tier's venv (--env-manager local).
        # The signature, inferred from the example, makes MLServer decode V2 requests as a DataFrame.
        mlflow.pyfunc.log_model(name="model", python_model=str(MODEL_CODE), input_example=example, pip_requirements=["mlflow", "pandas"])
    print(f"runs:/{run.info.run_id}/model")


if __name__ == "__main__":
    main()
