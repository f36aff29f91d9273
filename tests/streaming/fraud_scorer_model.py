"""The streaming tier's served model, logged as an MLflow "model from code" (served_model.py).

A tiny pyfunc with no ML dependencies: the score is a share of the amount. Each row may
ask for a delay (`delay_seconds`, capped at 2 s) so the tier can make requests slow, and
a negative amount is refused with an error so it can make requests fail.
"""

import time

import mlflow
import pandas as pd
from mlflow.models import set_model

MAX_DELAY_SECONDS = 2.0


class FraudScorer(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input: pd.DataFrame, params=None):
        delay = float(model_input["delay_seconds"].max()) if "delay_seconds" in model_input else 0.0
        time.sleep(min(max(delay, 0.0), MAX_DELAY_SECONDS))
        if (model_input["amount"] < 0).any():
            raise ValueError("amount must not be negative")
        return pd.DataFrame({"score": (model_input["amount"] / 1000.0).clip(upper=1.0)})


set_model(FraudScorer())
