import { DEFAULT_PIPELINES_FILE } from '../content/pipeline/catalog';
import { DEFAULT_STREAMING_FILE, loadStreamingCatalog } from '../content/streaming/catalog';
import { StreamingMonitoringProps } from '../constructs/streaming/streaming-monitoring';
import { RemoteWrite } from '../content/prometheus/remote-write';
import { requireDnsLabel } from '../content/validation';

/**
 * The environment a synth or deploy targets, from PIPEWATCH_ENV (default
 * `dev`). Stack names carry it, so `dev` and `pr-123` have separate state and
 * `cdktf destroy local-pr-123` removes exactly one of them.
 */
export function environmentName(env: NodeJS.ProcessEnv = process.env): string {
  return requireDnsLabel('PIPEWATCH_ENV', 'environment', env.PIPEWATCH_ENV ?? 'dev');
}

/** The pipeline catalog to monitor: PIPEWATCH_PIPELINES, else the repository's pipelines.yaml. */
export function pipelinesFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.PIPEWATCH_PIPELINES?.trim() || DEFAULT_PIPELINES_FILE;
}

/** Host port offset from PIPEWATCH_PORT_OFFSET (default 0), for a second environment on the same host. */
export function hostPortOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PIPEWATCH_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!/^\d+$/.test(raw) || offset > 56000) {
    throw new Error(`PIPEWATCH_PORT_OFFSET: invalid value ${JSON.stringify(raw)}. Use a whole number from 0 to 56000, e.g. 10000.`);
  }
  return offset;
}

/**
 * The existing Grafana (self-hosted or Grafana Cloud) the `grafana-<env>` stack
 * delivers to, and the URLs its server reaches the backends at. The token is
 * never read here: it is the sensitive Terraform variable `grafana_auth`.
 */
export function grafanaTarget(env: NodeJS.ProcessEnv = process.env) {
  return {
    grafanaUrl: env.PIPEWATCH_GRAFANA_URL ?? 'http://localhost:3000',
    datasourceUrls: {
      prometheus: env.PIPEWATCH_PROMETHEUS_URL ?? 'http://localhost:9090',
      loki: env.PIPEWATCH_LOKI_URL ?? 'http://localhost:3100',
      alertmanager: env.PIPEWATCH_ALERTMANAGER_URL ?? 'http://localhost:9093',
    },
  };
}

/**
 * The long-term store of PIPEWATCH_REMOTE_WRITE_URL (none when unset), named `longterm`.
 * PIPEWATCH_REMOTE_WRITE_AUTH: `bearer`, `basic:<username>` or unset; the token or password itself
 * is the sensitive variable prometheus_remote_write_longterm_<token|password>, never read here.
 */
export function remoteWriteTargets(env: NodeJS.ProcessEnv = process.env): RemoteWrite[] {
  const url = env.PIPEWATCH_REMOTE_WRITE_URL?.trim();
  if (!url) return [];
  const auth = env.PIPEWATCH_REMOTE_WRITE_AUTH?.trim() ?? '';
  if (auth === '') return [{ name: 'longterm', url }];
  if (auth === 'bearer') return [{ name: 'longterm', url, auth: { kind: 'bearer' } }];
  if (auth.startsWith('basic:') && auth.length > 'basic:'.length) return [{ name: 'longterm', url, auth: { kind: 'basic', username: auth.slice('basic:'.length) } }];
  throw new Error(`PIPEWATCH_REMOTE_WRITE_AUTH: invalid value ${JSON.stringify(auth)}. Use bearer, basic:<username> or leave it unset for no authentication.`);
}

/**
 * The streaming side of an environment, from PIPEWATCH_STREAMING:
 *   monitor (default)  the example streaming pipelines of streaming.yaml: their alerts, inhibitions and
 *                      the Pushgateway; Kafka, Spark and MLflow run elsewhere (targets given in code);
 *   run                the same, and the stack runs Kafka with its lag exporter, the pipeline's Spark job
 *                      and MLflow, scraped at their containers (docs/streaming.md);
 *   off                no streaming monitoring.
 * `batchDagIds` are the batch pipelines the streaming ones may name as upstream.
 */
export function streamingSettings(batchDagIds: readonly string[], env: NodeJS.ProcessEnv = process.env): StreamingMonitoringProps | undefined {
  const mode = env.PIPEWATCH_STREAMING?.trim() || 'monitor';
  if (!['monitor', 'run', 'off'].includes(mode)) throw new Error(`PIPEWATCH_STREAMING: invalid value ${JSON.stringify(mode)}. Use monitor (the default), run or off.`);
  if (mode === 'off') return undefined;
  const pipelines = loadStreamingCatalog(DEFAULT_STREAMING_FILE, batchDagIds);
  return mode === 'run' ? { pipelines, run: { kafka: {}, spark: {}, mlflow: {} } } : { pipelines };
}
