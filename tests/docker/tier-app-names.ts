/** Where the tier's OTLP sink container (tests/docker/tier-app.ts) writes what the log shipper sent it. */
export const SINK_RECEIVED_FILE = '/tmp/received.jsonl';
