"""Consumer-group lag for Prometheus, read from the brokers alone.

Kafka's brokers know each group's committed offsets and each partition's log
end offset; the difference is the lag. On every scrape this exporter asks
for both (Kafka's AdminClient, through confluent-kafka) for the declared
groups and publishes kafka_consumergroup_lag, kafka_consumergroup_current_offset
and kafka_topic_partition_current_offset (content/metrics/catalog.ts). It
needs nothing on the consumers: a stopped consumer's lag keeps growing here.

    python kafka_lag_exporter.py --bootstrap 127.0.0.1:9092 --group fraud-features --port 9308
"""

import argparse
import time

from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec
from prometheus_client import start_http_server
from prometheus_client.core import REGISTRY, GaugeMetricFamily

# A broker that does not answer within this fails the scrape instead of hanging it.
REQUEST_TIMEOUT_S = 5


class LagCollector:
    def __init__(self, admin, groups):
        self.admin = admin
        self.groups = groups

    def describe(self):
        # Registering asks for the families' names; answering here keeps the brokers out of start-up.
        return []

    def collect(self):
        lag = GaugeMetricFamily("kafka_consumergroup_lag", "Records between the group's committed offset and the partition's log end offset", labels=["consumergroup", "topic", "partition"])
        committed_family = GaugeMetricFamily("kafka_consumergroup_current_offset", "The group's committed offset", labels=["consumergroup", "topic", "partition"])
        end_family = GaugeMetricFamily("kafka_topic_partition_current_offset", "The partition's log end offset", labels=["topic", "partition"])
        committed = {}
        # Only groups the cluster knows: asking for the offsets of a group before the cluster has its
        # offsets topic crashed confluent-kafka 2.16 (SIGSEGV) in this exporter.
        listed = self.admin.list_consumer_groups(request_timeout=REQUEST_TIMEOUT_S).result()
        known = {g.group_id for g in listed.valid}
        # Every group's request is sent before any answer is awaited: the round trips overlap instead of adding up.
        futures = [self.admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(g)], request_timeout=REQUEST_TIMEOUT_S)[g] for g in self.groups if g in known]
        for future in futures:
            group = future.result()
            for tp in group.topic_partitions:
                if tp.offset >= 0:  # a partition the group never committed has no lag to report
                    committed[(group.group_id, tp.topic, tp.partition)] = tp.offset
        partitions = {(t, p) for (_, t, p) in committed}
        ends = {}
        if partitions:
            futures = self.admin.list_offsets({TopicPartition(t, p): OffsetSpec.latest() for (t, p) in partitions}, request_timeout=REQUEST_TIMEOUT_S)
            ends = {(tp.topic, tp.partition): f.result().offset for tp, f in futures.items()}
        for (topic, partition), end in sorted(ends.items()):
            end_family.add_metric([topic, str(partition)], end)
        for (group, topic, partition), offset in sorted(committed.items()):
            committed_family.add_metric([group, topic, str(partition)], offset)
            lag.add_metric([group, topic, str(partition)], max(0, ends[(topic, partition)] - offset))
        return [lag, committed_family, end_family]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers, host:port[,host:port]")
    parser.add_argument("--group", action="append", required=True, help="a consumer group to watch (repeat for more)")
    parser.add_argument("--listen", default="127.0.0.1", help="address to serve /metrics on")
    parser.add_argument("--port", type=int, default=9308)
    args = parser.parse_args()
    REGISTRY.register(LagCollector(AdminClient({"bootstrap.servers": args.bootstrap}), args.group))
    start_http_server(args.port, addr=args.listen)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
