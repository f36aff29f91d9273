"""Kafka traffic for the streaming tier, bounded in count and time.

    kafka_client.py create-topic --bootstrap B --topic T --partitions 2 [--compacted]
    kafka_client.py produce --bootstrap B --topic T --rate 10 --max 4000 [--no-key]   (stops at --max records)
    kafka_client.py commit-offsets --bootstrap B --topic T --partitions 2 --groups 1000 --group-prefix G
        (groups G0..G999 each commit offset 1 on every partition, as a consumer that read one record would)

A compacted topic refuses records without a key (INVALID_RECORD): the broker
counts each such produce request as failed.
"""

import argparse
import json
import sys
import time

from confluent_kafka import ConsumerGroupTopicPartitions, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def create_topic(args):
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    config = {"cleanup.policy": "compact"} if args.compacted else {}
    admin.create_topics([NewTopic(args.topic, args.partitions, 1, config=config)])[args.topic].result(timeout=30)


def produce(args):
    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 50, "message.timeout.ms": 10000})
    for i in range(args.max):
        producer.produce(args.topic, key=None if args.no_key else f"card-{i % 50}", value=json.dumps({"amount": (i % 97) + 0.5}))
        producer.poll(0)
        time.sleep(1 / args.rate)
    producer.flush(10)


def commit_offsets(args):
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    partitions = [TopicPartition(args.topic, p, 1) for p in range(args.partitions)]
    pending = [f"{args.group_prefix}{i}" for i in range(args.groups)]
    for _ in range(30):
        # One group per request (the AdminClient's limit), all sent before any answer is awaited.
        futures = [f for g in pending for f in admin.alter_consumer_group_offsets([ConsumerGroupTopicPartitions(g, partitions)], request_timeout=30).values()]
        # Until the broker has created its offsets topic, commits answer with an error per partition.
        pending = [r.group_id for r in (f.result() for f in futures) if any(tp.error for tp in r.topic_partitions)]
        if not pending:
            return
        time.sleep(1)
    raise SystemExit(f"{len(pending)} groups could not commit offsets within 30 attempts, e.g. {pending[0]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["create-topic", "produce", "commit-offsets"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--compacted", action="store_true", help="create the topic with cleanup.policy=compact")
    parser.add_argument("--no-key", action="store_true", help="produce records without a key")
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--max", type=int, default=4000)
    parser.add_argument("--groups", type=int, default=1, help="consumer groups that commit offsets")
    parser.add_argument("--group-prefix", default="group-")
    args = parser.parse_args()
    {"create-topic": create_topic, "produce": produce, "commit-offsets": commit_offsets}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
