"""A small churn model: per-customer features from orders, logistic regression by gradient descent.

Pure Python on purpose: the model stands in for a real one so the ML pipeline
has honest work and output to monitor, without adding ML libraries to the
Airflow image.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

FEATURES = ("orders", "spend", "hours_since_last_order")
# Features look back over HISTORY; a customer with no order within HORIZON after that counts as churned.
HISTORY = timedelta(days=7)
HORIZON = timedelta(days=1)

Order = Mapping[str, object]


def customer_features(orders: Iterable[Order], as_of: datetime) -> dict[int, list[float]]:
    """FEATURES per customer, from their orders in the HISTORY before as_of."""
    totals: dict[int, tuple[int, float, datetime]] = {}
    for order in orders:
        customer, at = order["customer_id"], order["ordered_at"]
        if customer is None or not as_of - HISTORY <= at < as_of:
            continue
        count, spend, last = totals.get(customer, (0, 0.0, at))
        totals[customer] = (count + 1, spend + (order["amount"] or 0.0), max(last, at))
    return {
        customer: [float(count), spend, (as_of - last).total_seconds() / 3600]
        for customer, (count, spend, last) in totals.items()
    }


def training_set(orders: Sequence[Order], as_of: datetime) -> tuple[list[list[float]], list[int]]:
    """Features as of HORIZON before as_of, labelled 1 for customers who then ordered nothing until as_of."""
    cutoff = as_of - HORIZON
    features = customer_features(orders, cutoff)
    active = {order["customer_id"] for order in orders if cutoff <= order["ordered_at"] < as_of}
    customers = sorted(features)
    return [features[c] for c in customers], [int(c not in active) for c in customers]


def _sigmoid(z: float) -> float:
    # Split by sign so exp() never overflows.
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def _standardise(model: Mapping, row: Sequence[float]) -> list[float]:
    return [(v - m) / s for v, m, s in zip(row, model["mean"], model["scale"], strict=True)]


def predict(model: Mapping, row: Sequence[float]) -> float:
    """Churn probability for one feature row."""
    z = model["bias"] + sum(w * v for w, v in zip(model["weights"], _standardise(model, row), strict=True))
    return _sigmoid(z)


def train(x: Sequence[Sequence[float]], y: Sequence[int], epochs: int = 200, learning_rate: float = 0.5) -> dict:
    """Fits logistic regression by batch gradient descent; the model is plain JSON-ready data."""
    if not x:
        raise ValueError("cannot train on an empty training set")
    columns = list(zip(*x, strict=True))
    mean = [sum(c) / len(c) for c in columns]
    # A constant feature keeps scale 1 instead of dividing by zero.
    scale = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) or 1.0 for c, m in zip(columns, mean, strict=True)]
    model = {"features": list(FEATURES), "mean": mean, "scale": scale, "weights": [0.0] * len(mean), "bias": 0.0}
    rows = [_standardise(model, row) for row in x]
    for _ in range(epochs):
        gradient, bias_gradient = [0.0] * len(mean), 0.0
        for row, label in zip(rows, y, strict=True):
            error = _sigmoid(model["bias"] + sum(w * v for w, v in zip(model["weights"], row, strict=True))) - label
            gradient = [g + error * v for g, v in zip(gradient, row, strict=True)]
            bias_gradient += error
        model["weights"] = [w - learning_rate * g / len(rows) for w, g in zip(model["weights"], gradient, strict=True)]
        model["bias"] -= learning_rate * bias_gradient / len(rows)
    model["examples"] = len(rows)
    return model


def score(model: Mapping, features: Mapping[int, Sequence[float]]) -> dict[int, float]:
    return {customer: predict(model, row) for customer, row in features.items()}
