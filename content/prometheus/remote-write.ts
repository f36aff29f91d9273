import { Duration } from '../duration';
import { invalid, requireHttpUrl } from '../validation';

/** Where the Prometheus container reads remote_write credentials: one file per secret, never a value in the config. */
export const PROMETHEUS_SECRETS_DIR = '/etc/prometheus/secrets';

/**
 * A long-term store Prometheus copies every sample to (Thanos Receive, Mimir,
 * VictoriaMetrics, Grafana Cloud, another Prometheus with its receiver on).
 * Credentials are never values here: the password or token is the sensitive
 * Terraform variable `prometheus_remote_write_<name>_<password|token>`,
 * mounted as a file the config names (`password_file`, `credentials_file`).
 */
export interface RemoteWrite {
  /** Names the queue (label `remote_name` of Prometheus's remote-storage metrics) and the secret: lowercase letters, digits, underscores. */
  readonly name: string;
  /** The receiver's push endpoint, e.g. https://mimir.example.com/api/v1/push. */
  readonly url: string;
  /** @default - no authentication */
  readonly auth?: RemoteWriteAuth;
  /** @default - REMOTE_WRITE_QUEUE_DEFAULTS */
  readonly queue?: RemoteWriteQueue;
}

export type RemoteWriteAuth =
  /** HTTP basic auth; the password is the secret (Grafana Cloud: the instance id as username, a token as password). */
  | { readonly kind: 'basic'; readonly username: string }
  /** `Authorization: Bearer <token>`; the token is the secret. */
  | { readonly kind: 'bearer' };

/**
 * The queue between the WAL and the receiver. While the receiver is down
 * Prometheus keeps retrying (from minBackoff doubling to maxBackoff) and
 * resends from its WAL, so an outage shorter than the WAL's reach (about two
 * hours of samples) loses nothing; the queue only bounds memory and batching.
 */
export interface RemoteWriteQueue {
  /** Samples buffered per shard. @default 10000 */
  readonly capacity?: number;
  /** @default 1 */
  readonly minShards?: number;
  /** Upper bound of parallel senders. @default 50 */
  readonly maxShards?: number;
  /** @default 2000 */
  readonly maxSamplesPerSend?: number;
  /** A batch is sent after this long even if it is not full. @default Duration.seconds(5) */
  readonly batchSendDeadline?: Duration;
  /** First retry delay, in milliseconds (doubles each retry). @default 30 */
  readonly minBackoffMs?: number;
  /** Longest delay between retries, in milliseconds. @default 5000 */
  readonly maxBackoffMs?: number;
}

/** The queue settings used where a RemoteWrite leaves them out (Prometheus 2.45+'s own defaults, written out so every version behaves alike). */
export const REMOTE_WRITE_QUEUE_DEFAULTS: Required<RemoteWriteQueue> = {
  capacity: 10000,
  minShards: 1,
  maxShards: 50,
  maxSamplesPerSend: 2000,
  batchSendDeadline: Duration.seconds(5),
  minBackoffMs: 30,
  maxBackoffMs: 5000,
};

const NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** File name (under PROMETHEUS_SECRETS_DIR) and variable suffix of the destination's secret; none without auth. */
export function remoteWriteSecret(rw: RemoteWrite): string | undefined {
  if (!rw.auth) return undefined;
  return `remote_write_${rw.name}_${rw.auth.kind === 'basic' ? 'password' : 'token'}`;
}

/** Throws a validation error naming `where` (a construct path) unless the destination is usable. */
export function validateRemoteWrite(rw: RemoteWrite, where: string): void {
  const at = `${where} remoteWrite "${rw.name}"`;
  if (!NAME.test(rw.name)) invalid(where, 'remoteWrite name', rw.name, 'Use 1-40 lowercase letters, digits and underscores starting with a letter, e.g. "mimir".');
  requireHttpUrl(at, 'url', rw.url, 'https://mimir.example.com/api/v1/push');
  if (rw.auth?.kind === 'basic' && !/^\S{1,256}$/.test(rw.auth.username)) {
    invalid(at, 'auth.username', rw.auth.username, 'Use the non-empty user name the receiver expects, without spaces; the password comes from the sensitive variable.');
  }
  const q = { ...REMOTE_WRITE_QUEUE_DEFAULTS, ...rw.queue };
  const wholeAtLeastOne = (key: keyof RemoteWriteQueue, value: number) => {
    if (!Number.isInteger(value) || value < 1) invalid(at, `queue.${key}`, value, 'Use a whole number of at least 1.');
  };
  (['capacity', 'minShards', 'maxShards', 'maxSamplesPerSend', 'minBackoffMs', 'maxBackoffMs'] as const).forEach((k) => wholeAtLeastOne(k, q[k]));
  if (q.minShards > q.maxShards) invalid(at, 'queue.minShards', q.minShards, `Use at most queue.maxShards (${q.maxShards}).`);
  if (q.maxSamplesPerSend > q.capacity) invalid(at, 'queue.maxSamplesPerSend', q.maxSamplesPerSend, `Use at most queue.capacity (${q.capacity}): a shard cannot send more than it buffers.`);
  if (q.minBackoffMs > q.maxBackoffMs) invalid(at, 'queue.minBackoffMs', q.minBackoffMs, `Use at most queue.maxBackoffMs (${q.maxBackoffMs}).`);
  if (q.batchSendDeadline.toSeconds() < 1) invalid(at, 'queue.batchSendDeadline', q.batchSendDeadline.toPromDuration(), 'Use at least Duration.seconds(1).');
}

/** Throws unless every destination is valid and each has its own name. */
export function validateRemoteWrites(list: readonly RemoteWrite[], where: string): void {
  const seen = new Set<string>();
  for (const rw of list) {
    validateRemoteWrite(rw, where);
    if (seen.has(rw.name)) invalid(where, 'remoteWrite name', rw.name, 'Each remote_write destination needs its own name.');
    seen.add(rw.name);
  }
}

/** One remote_write entry of prometheus.yml; `secretsDir` is where the secret files are mounted. */
export function renderRemoteWrite(rw: RemoteWrite, secretsDir: string = PROMETHEUS_SECRETS_DIR): object {
  const q = { ...REMOTE_WRITE_QUEUE_DEFAULTS, ...rw.queue };
  const secretFile = `${secretsDir}/${remoteWriteSecret(rw)}`;
  return {
    name: rw.name,
    url: rw.url,
    ...(rw.auth?.kind === 'basic' ? { basic_auth: { username: rw.auth.username, password_file: secretFile } } : {}),
    ...(rw.auth?.kind === 'bearer' ? { authorization: { type: 'Bearer', credentials_file: secretFile } } : {}),
    queue_config: {
      capacity: q.capacity,
      min_shards: q.minShards,
      max_shards: q.maxShards,
      max_samples_per_send: q.maxSamplesPerSend,
      batch_send_deadline: q.batchSendDeadline.toPromDuration(),
      min_backoff: `${q.minBackoffMs}ms`,
      max_backoff: `${q.maxBackoffMs}ms`,
    },
  };
}
