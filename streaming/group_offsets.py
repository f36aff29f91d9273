"""Commits a streaming query's Kafka progress to the pipeline's consumer group.

Spark's Kafka source keeps its offsets in the query's checkpoint and commits
none to Kafka, so the brokers, and the lag exporter that reads committed
offsets (kafka_lag_exporter.py), would see no progress for the pipeline's
group: its lag alert could never fire. After each micro-batch this listener
commits the offsets the batch read up to (its Kafka source's end offsets) to
the group, with the Admin client of the Kafka source's own jars, so the job
needs no second Kafka client. Spark's consumers never join the group, so the
group is empty and its offsets may be set. A commit that fails is printed and
made again with the next batch: meanwhile the lag reads high, never low.
"""

import json

from pyspark.sql.streaming import StreamingQueryListener

COMMIT_TIMEOUT_SECONDS = 10


def kafka_end_offsets(progress):
    """{(topic, partition): offset} read up to by the Kafka sources of one progress event."""
    offsets = {}
    for source in progress.sources:
        if not source.description.startswith("Kafka") or not source.endOffset:
            continue
        for topic, partitions in json.loads(source.endOffset).items():
            for partition, offset in partitions.items():
                offsets[(topic, int(partition))] = int(offset)
    return offsets


class CommitProgressToGroup(StreamingQueryListener):
    """Commits the end offsets of each micro-batch of query `query_name` to consumer group `group`."""

    def __init__(self, spark, bootstrap, group, query_name):
        self._jvm = spark._jvm
        properties = self._jvm.java.util.Properties()
        properties.setProperty("bootstrap.servers", bootstrap)
        self._admin = self._jvm.org.apache.kafka.clients.admin.AdminClient.create(properties)
        self._group = group
        self._query_name = query_name
        self._committed = {}

    def onQueryStarted(self, event):
        pass

    def onQueryProgress(self, event):
        if event.progress.name != self._query_name:
            return
        offsets = kafka_end_offsets(event.progress)
        if not offsets or offsets == self._committed:
            return
        try:
            self._commit(offsets)
            self._committed = offsets
        except Exception as error:  # the next batch commits again
            print(f"committing offsets to consumer group {self._group} failed: {error}", flush=True)

    def onQueryIdle(self, event):
        pass

    def onQueryTerminated(self, event):
        self._admin.close()

    def _commit(self, offsets):
        jvm = self._jvm
        java_offsets = jvm.java.util.HashMap()
        for (topic, partition), offset in offsets.items():
            java_offsets.put(jvm.org.apache.kafka.common.TopicPartition(topic, partition), jvm.org.apache.kafka.clients.consumer.OffsetAndMetadata(offset))
        result = self._admin.alterConsumerGroupOffsets(self._group, java_offsets)
        result.all().get(COMMIT_TIMEOUT_SECONDS, jvm.java.util.concurrent.TimeUnit.SECONDS)
