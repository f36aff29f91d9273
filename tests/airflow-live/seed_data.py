"""Gives the live check's fresh data dir the last two hours of warehouse data.

Unpaused at the same moment, the DAGs' first scheduled runs do not wait for
each other: example_etl and data_quality would look for hours datalake_ingest
has not landed yet. Running the ingest and ETL steps (airflow/dags/pipewatch)
here for the two hours before the current one gives every scheduled run its
input, whichever hour it works on. Each hour's customers file carries one
repeated customer id, so the customers_unique check fails and
pipewatch_dq_checks_failed_total gets data; ml_pipeline still lacks the day of
history it learns from and fails, as on any fresh deployment.

Usage: PIPEWATCH_DATA_DIR=<dir> python seed_data.py <airflow dags folder>
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, sys.argv[1])

from pipewatch import etl, ingest, lake, source, tables  # noqa: E402


def land_customers_with_a_duplicate(hour: datetime) -> None:
    rows = source.customers(hour)
    path = lake.zone("landing") / "customers" / lake.partition(hour) / f"customers_{hour:%Y%m%d%H}.csv"
    tables.write_csv(path, [*rows, rows[0]], source.CUSTOMER_COLUMNS)


def main() -> None:
    current = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    for back in (2, 1):
        hour = current - timedelta(hours=back)
        land_customers_with_a_duplicate(hour)
        ingest.copy_to_raw(ingest.new_files(hour))
        ingest.register_partitions(hour)
        loaded = etl.load(etl.transform(etl.extract(hour), hour), hour)
        print(f"seeded {lake.partition(hour)}: {loaded}")


if __name__ == "__main__":
    main()
