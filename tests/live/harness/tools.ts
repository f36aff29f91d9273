import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { join, resolve } from 'path';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** Where the servers the live tier runs are installed. */
export interface LiveTools {
  readonly prometheus: string;
  /** promtool at the same version (the dbt tier backfills history with it). */
  readonly promtool: string;
  readonly alertmanager: string;
  readonly statsdExporter: string;
  /** The OpenTelemetry Collector built from tools/otelcol/builder-manifest.yaml. */
  readonly otelcol: string;
  readonly postgresBin: string;
  readonly redisServer: string;
  readonly postgresExporter: string;
  readonly redisExporter: string;
  readonly pushgateway: string;
}

const KEYS: Readonly<Record<string, keyof LiveTools>> = {
  prometheus: 'prometheus',
  promtool: 'promtool',
  alertmanager: 'alertmanager',
  statsd_exporter: 'statsdExporter',
  otelcol: 'otelcol',
  postgres_bin: 'postgresBin',
  redis_server: 'redisServer',
  postgres_exporter: 'postgresExporter',
  redis_exporter: 'redisExporter',
  pushgateway: 'pushgateway',
};

let cached: LiveTools | undefined;

/**
 * Runs scripts/install-live-tools.sh (idempotent: it only prints the paths
 * once everything is installed) and checks every path it prints. Fails with
 * the script's output: a missing server must never skip a test.
 */
export function liveTools(): LiveTools {
  if (cached) return cached;
  let output: string;
  try {
    output = execFileSync('bash', [join(REPO_ROOT, 'scripts/install-live-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 1_800_000 });
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/install-live-tools.sh failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const found: Partial<Record<keyof LiveTools, string>> = {};
  for (const line of output.trim().split('\n')) {
    const [name, path] = line.split('=', 2);
    if (KEYS[name] && path) found[KEYS[name]] = path;
  }
  for (const key of Object.values(KEYS)) {
    const path = found[key];
    if (!path || !existsSync(path)) throw new Error(`scripts/install-live-tools.sh did not provide ${key} (got ${JSON.stringify(path)}):\n${output}`);
  }
  cached = found as LiveTools;
  return cached;
}
