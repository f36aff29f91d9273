"""Publishes a Delta table's size, file count, version and last commit time after each write.

The writing job calls publish() after every commit; the series go to the
Pushgateway under job="delta" and the table's name as grouping key, so the
latest state of every table stays scrapable between writes
(delta_table_* in content/metrics/catalog.ts).
"""

from delta.tables import DeltaTable
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway


def table_state(spark, path):
    """(size in bytes, number of files, version, last commit as Unix seconds) of the table at `path`."""
    table = DeltaTable.forPath(spark, path)
    detail = table.detail().select("sizeInBytes", "numFiles").first()
    last = table.history(1).select("version", "timestamp").first()
    return detail["sizeInBytes"], detail["numFiles"], last["version"], last["timestamp"].timestamp()


def publish(spark, path, table, pushgateway):
    size, files, version, committed_at = table_state(spark, path)
    registry = CollectorRegistry()
    for name, help_text, value in (
        ("delta_table_size_bytes", "Size of the Delta table after its latest commit", size),
        ("delta_table_files", "Data files of the Delta table after its latest commit", files),
        ("delta_table_version", "Version of the Delta table after its latest commit", version),
        ("delta_table_last_commit_timestamp_seconds", "Time of the latest commit to the Delta table, Unix seconds", committed_at),
    ):
        Gauge(name, help_text, registry=registry).set(value)
    push_to_gateway(pushgateway, job="delta", grouping_key={"table": table}, registry=registry, timeout=5)
