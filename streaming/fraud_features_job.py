"""The example platform's streaming pipeline: payments events -> fraud features.

A Spark Structured Streaming query (named after the pipeline's `spark.query`)
reads the payments topic, counts payments and sums amounts per card, and
appends each micro-batch to a Delta table; after each commit it publishes the
table's metrics (delta_metrics.py), and commits the offsets it read up to to
the pipeline's consumer group (group_offsets.py). Spark's own metrics are served on the
driver's UI port: /metrics/prometheus (PrometheusServlet: streaming query
progress and job counts) and /metrics/executors/prometheus.

Switches the streaming tier uses to cause failures on purpose:
- while the file given by --slow-file exists, each micro-batch sleeps first;
- while the file given by --small-files-file exists, each micro-batch writes
  its rows into as many files as it holds (one small file per row, at most);
- each time the file given by --fail-file appears, the session runs one Spark
  job that fails, then removes the file; the query keeps running.
"""

import argparse
import os
import threading
import time

from delta import configure_spark_with_delta_pip
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from delta_metrics import publish
from group_offsets import CommitProgressToGroup

KAFKA_PACKAGE = "org.apache.spark:spark-sql-kafka-0-10_2.13:4.0.0"


def spark_session(app, ui_port, ivy):
    builder = (
        SparkSession.builder.appName(app)
        .master("local[2]")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.port", str(ui_port))
        .config("spark.ui.prometheus.enabled", "true")
        .config("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet")
        .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
        .config("spark.metrics.namespace", app)
        .config("spark.metrics.appStatusSource.enabled", "true")
        .config("spark.sql.streaming.metricsEnabled", "true")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    )
    if ivy:
        builder = builder.config("spark.jars.ivy", ivy)
    return configure_spark_with_delta_pip(builder, extra_packages=[KAFKA_PACKAGE]).getOrCreate()


def read_number(path):
    """The number the switch file at `path` holds, or None when there is none."""
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        return float(f.read().strip() or "0")


def raise_on_purpose(_):
    raise RuntimeError("failing on purpose: the --fail-file switch is set")


def fail_one_job_on_switch(spark, path):
    """Polls `path`; when it appears, runs one job that fails (in the query's session), then removes it."""
    while True:
        if os.path.exists(path):
            try:
                spark.sparkContext.parallelize([0], 1).foreach(raise_on_purpose)
            except Exception:
                print("one Spark job failed on purpose (--fail-file)", flush=True)
            os.remove(path)
        time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", default="payments.events")
    parser.add_argument("--group", required=True, help="the pipeline's consumer group, which the job's progress is committed to")
    parser.add_argument("--app", default="fraud_features")
    parser.add_argument("--query", default="fraud_features")
    parser.add_argument("--table", default="fraud_features")
    parser.add_argument("--table-path", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--pushgateway", required=True, help="host:port of the Pushgateway")
    parser.add_argument("--ui-port", type=int, default=4040)
    parser.add_argument("--trigger-seconds", type=int, default=5)
    parser.add_argument("--slow-file", help="while this file exists, each micro-batch first sleeps the seconds it holds")
    parser.add_argument("--small-files-file", help="while this file exists, each micro-batch writes its rows into as many files as it holds")
    parser.add_argument("--fail-file", help="each time this file appears, one Spark job fails on purpose and the file is removed")
    parser.add_argument("--ivy", help="Ivy cache for the Kafka source and Delta jars Spark fetches from Maven Central")
    parser.add_argument("--max-offsets", type=int, default=500, help="records per micro-batch at most")
    args = parser.parse_args()

    spark = spark_session(args.app, args.ui_port, args.ivy)
    spark.sparkContext.setLogLevel("WARN")
    events = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", args.bootstrap)
        .option("subscribe", args.topic)
        .option("startingOffsets", "earliest")
        .option("maxOffsetsPerTrigger", args.max_offsets)
        .load()
    )
    payments = events.select(
        F.col("key").cast("string").alias("card"),
        F.get_json_object(F.col("value").cast("string"), "$.amount").cast("double").alias("amount"),
    )

    def write_batch(batch, batch_id):
        time.sleep(read_number(args.slow_file) or 0)
        features = batch.groupBy("card").agg(F.count("*").alias("payments"), F.sum("amount").alias("amount")).withColumn("batch_id", F.lit(batch_id))
        files = read_number(args.small_files_file)
        if files:
            features = features.repartition(int(files))
        features.write.format("delta").mode("append").save(args.table_path)
        publish(spark, args.table_path, args.table, args.pushgateway)

    spark.streams.addListener(CommitProgressToGroup(spark, args.bootstrap, args.group, args.query))
    if args.fail_file:
        threading.Thread(target=fail_one_job_on_switch, args=(spark, args.fail_file), daemon=True).start()
    query = (
        payments.writeStream.queryName(args.query)
        .foreachBatch(write_batch)
        .option("checkpointLocation", args.checkpoint)
        .trigger(processingTime=f"{args.trigger_seconds} seconds")
        .start()
    )
    query.awaitTermination()


if __name__ == "__main__":
    main()
