"""Creates the declared streaming pipelines' Kafka topics that do not exist yet.

The stack runs it once per deploy, after its broker is healthy: it lists the
cluster's topics and creates every missing one of the topics file (one name a
line) in a single CreateTopics request, so a thousand pipelines cost one
request, not one client per topic. Topics that exist are left as they are.
Exits non-zero, naming the topics and Kafka's errors, when any cannot be made.

    python create_topics.py --bootstrap kafka:9092 --topics-file topics.txt --partitions 1
"""

import argparse
import sys
import time

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

# The broker's port opens before it serves metadata: keep asking for this long.
METADATA_WAIT_S = 120
REQUEST_TIMEOUT_S = 30


def read_topics(path):
    with open(path, encoding="utf-8") as f:
        names = [line.strip() for line in f]
    return sorted({n for n in names if n})


def existing_topics(admin, wait_s):
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return set(admin.list_topics(timeout=10).topics)
        except KafkaException as e:
            if time.monotonic() >= deadline:
                raise SystemExit(f"create_topics: the brokers did not list their topics within {wait_s}s: {e}")
            time.sleep(2)


def create_missing(admin, topics, partitions, replication_factor, wait_s=METADATA_WAIT_S):
    """The topics it created; raises SystemExit naming each topic Kafka refused."""
    existing = existing_topics(admin, wait_s)
    missing = [t for t in topics if t not in existing]
    if not missing:
        return []
    futures = admin.create_topics(
        [NewTopic(t, num_partitions=partitions, replication_factor=replication_factor) for t in missing],
        request_timeout=REQUEST_TIMEOUT_S,
        operation_timeout=REQUEST_TIMEOUT_S,
    )
    created, failed = [], []
    for topic, future in futures.items():
        try:
            future.result()
            created.append(topic)
        except KafkaException as e:
            # A producer may have created it since the listing: it exists, which is all we want.
            if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                failed.append(f"{topic}: {e.args[0].str()}")
    if failed:
        raise SystemExit(f"create_topics: Kafka refused {len(failed)} of {len(missing)} topics: " + "; ".join(sorted(failed)))
    return sorted(created)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True, help="host:port[,host:port] of the brokers")
    parser.add_argument("--topics-file", required=True, help="the topics to have, one name a line")
    parser.add_argument("--partitions", type=int, default=1, help="partitions of each created topic")
    parser.add_argument("--replication-factor", type=int, default=1, help="replicas of each partition of a created topic")
    args = parser.parse_args(argv)
    topics = read_topics(args.topics_file)
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    created = create_missing(admin, topics, args.partitions, args.replication_factor)
    print(f"create_topics: {len(topics)} declared, {len(topics) - len(created)} already there, {len(created)} created "
          f"with {args.partitions} partitions and replication factor {args.replication_factor}", flush=True)
    if created:
        print("create_topics: created " + ", ".join(created), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
