"""Steps of ml_pipeline: build churn features from the warehouse, train the model, score customers."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pipewatch import churn, lake, tables, warehouse


def _as_of(run_after: datetime) -> datetime:
    return run_after.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def _write_json(path: Path, data: object) -> str:
    text = json.dumps(data)
    return str(tables.replace_atomically(path, lambda target: target.write_text(text)))


def build_features(run_after: datetime) -> str:
    """Writes the training set and the features to score, from the warehouse hours before the run; returns the file."""
    as_of = _as_of(run_after)
    orders = warehouse.read_hours(warehouse.ORDERS, as_of - churn.HISTORY - churn.HORIZON, as_of)
    x, y = churn.training_set(orders, as_of)
    if not x:
        raise ValueError(
            f"no warehouse orders between {as_of - churn.HISTORY - churn.HORIZON} and {as_of - churn.HORIZON}:"
            " example_etl has not loaded the hours the churn model learns from"
        )
    # JSON object keys are strings; customer ids go back to int when scored.
    to_score = {str(c): row for c, row in churn.customer_features(orders, as_of).items()}
    path = lake.zone("ml") / "features" / f"churn_{as_of:%Y%m%d%H}.json"
    return _write_json(path, {"as_of": as_of.isoformat(), "train": {"x": x, "y": y}, "score": to_score})


def train(features_path: str) -> str:
    """Fits the churn model on the training set; returns the model file."""
    features = json.loads(Path(features_path).read_text())
    model = churn.train(features["train"]["x"], features["train"]["y"])
    as_of = datetime.fromisoformat(features["as_of"])
    return _write_json(lake.zone("ml") / "models" / f"churn_{as_of:%Y%m%d%H}.json", model)


def score(features_path: str, model_path: str) -> int:
    """Writes every customer's churn probability; returns how many were scored."""
    features = json.loads(Path(features_path).read_text())
    model = json.loads(Path(model_path).read_text())
    scores = churn.score(model, {int(c): row for c, row in features["score"].items()})
    as_of = datetime.fromisoformat(features["as_of"])
    rows = [{"customer_id": c, "churn_probability": round(p, 6)} for c, p in sorted(scores.items())]
    tables.write_table(
        lake.zone("ml") / "scores" / f"churn_{as_of:%Y%m%d%H}", rows, ("customer_id", "churn_probability")
    )
    return len(rows)
