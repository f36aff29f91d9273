"""Steps of datalake_ingest: find new files in the landing zone, copy them to the raw zone, register partitions."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

from pipewatch import lake, source, tables

DATASETS = tuple(source.DATASETS)
CATALOG = "_partitions.json"


def new_files(hour: datetime) -> list[str]:
    """Landing files of the hour not yet in the raw zone, relative to the landing zone.

    Files an upstream system dropped take precedence; for a dataset that has
    none, the demo source drops one, so the example platform runs on its own.
    """
    landing, raw = lake.zone("landing"), lake.zone("raw")
    landed = []
    for dataset in DATASETS:
        dropped = sorted((landing / dataset / lake.partition(hour)).glob("*.csv"))
        landed.extend(dropped or [source.drop(dataset, hour)])
    relative = (path.relative_to(landing) for path in landed)
    return [str(path) for path in relative if not (raw / path).exists()]


def copy_to_raw(files: list[str]) -> int:
    """Copies landing files to the same place in the raw zone; returns the data rows copied."""
    landing, raw = lake.zone("landing"), lake.zone("raw")
    rows = 0
    for name in files:
        copied = tables.replace_atomically(
            raw / name, lambda target, name=name: shutil.copyfile(landing / name, target)
        )
        rows += len(tables.read_csv(copied))
    return rows


def catalog() -> dict[str, list[str]]:
    """The raw zone's registered partitions by dataset: what readers may consume."""
    path = lake.zone("raw") / CATALOG
    return json.loads(path.read_text()) if path.exists() else {}


def register_partitions(hour: datetime) -> list[str]:
    """Adds the hour's raw partitions to the catalog and returns them; ETL reads only registered (complete) partitions.

    Works from what the raw zone holds rather than what this try copied, so a
    rerun after a failed registration still registers the hour.
    """
    registered = catalog()
    partition = lake.partition(hour)
    added = [dataset for dataset in DATASETS if any((lake.zone("raw") / dataset / partition).glob("*.csv"))]
    for dataset in added:
        registered[dataset] = sorted({*registered.get(dataset, []), partition})
    text = json.dumps(registered, indent=2, sort_keys=True)
    tables.replace_atomically(lake.zone("raw") / CATALOG, lambda target: target.write_text(text))
    return [f"{dataset}/{partition}" for dataset in added]
