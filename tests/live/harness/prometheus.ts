import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ConfigFileContent } from './live-configs';
import { getJson, getText, isOk, sampleSum } from './http';
import { ManagedProcess } from './processes';

export interface PrometheusOptions {
  readonly binary: string;
  readonly dir: string;
  readonly port: number;
  /** Renders prometheus.yml given the directory the rule files are written to. */
  readonly config: (rulesDir: string) => string;
  readonly ruleFiles: readonly ConfigFileContent[];
  /** --rules.alert.resend-delay: how often firing alerts are sent again. @default Prometheus's (1m) */
  readonly alertResendDelaySeconds?: number;
  /** Flags beyond the stack's, e.g. `--web.enable-remote-write-receiver`. @default [] */
  readonly extraArgs?: readonly string[];
}

/** One sample of an instant query: its labels and value. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  readonly activeAt: string;
}

/** An active scrape target and its health. */
export interface ScrapeTarget {
  readonly job: string;
  readonly instance: string;
  readonly health: string;
  readonly lastError: string;
}

/** Instant query against the Prometheus at `baseUrl` (a live server or a deployed one); `atSeconds` defaults to now. */
export async function instantQuery(baseUrl: string, expr: string, atSeconds?: number): Promise<Sample[]> {
  const params = new URLSearchParams({ query: expr, ...(atSeconds !== undefined ? { time: String(atSeconds) } : {}) });
  const body = await getJson(`${baseUrl}/api/v1/query?${params}`);
  if (body.data.resultType === 'scalar') return [{ metric: {}, value: Number(body.data.result[1]) }];
  return (body.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Active scrape targets of the Prometheus at `baseUrl`. */
export async function activeTargets(baseUrl: string): Promise<ScrapeTarget[]> {
  const body = await getJson(`${baseUrl}/api/v1/targets?state=active`);
  return body.data.activeTargets.map((t: any) => ({ job: t.labels.job, instance: t.labels.instance, health: t.health, lastError: t.lastError }));
}

/** Prometheus with its TSDB in `dir/data`, which survives restarts. */
export class LivePrometheus {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(options: PrometheusOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    const rulesDir = join(options.dir, 'rules');
    mkdirSync(rulesDir, { recursive: true });
    for (const file of options.ruleFiles) writeFileSync(join(rulesDir, file.name), file.content);
    const configFile = join(options.dir, 'prometheus.yml');
    writeFileSync(configFile, options.config(rulesDir));
    this.process = new ManagedProcess({
      name: 'prometheus',
      command: options.binary,
      // The stack's flags (constructs/prometheus/prometheus.ts), with local paths and a loopback listener.
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(options.dir, 'data')}`,
        '--storage.tsdb.retention.time=15d',
        '--web.enable-lifecycle',
        `--web.listen-address=127.0.0.1:${options.port}`,
        ...(options.alertResendDelaySeconds === undefined ? [] : [`--rules.alert.resend-delay=${options.alertResendDelaySeconds}s`]),
        ...(options.extraArgs ?? []),
      ],
      logFile: join(options.dir, 'prometheus.log'),
      ready: () => isOk(`${this.url}/-/ready`),
      readyTimeoutMs: 60_000,
    });
  }

  static async start(options: PrometheusOptions): Promise<LivePrometheus> {
    const prometheus = new LivePrometheus(options);
    await prometheus.process.start();
    return prometheus;
  }

  /** Instant query; `atSeconds` defaults to now. */
  query(expr: string, atSeconds?: number): Promise<Sample[]> {
    return instantQuery(this.url, expr, atSeconds);
  }

  /** Values of `label` on the series `match` selects, as a Grafana `label_values()` variable lists them. */
  async labelValues(label: string, match: string): Promise<string[]> {
    return (await getJson(`${this.url}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': match })}`)).data;
  }

  async alerts(): Promise<PrometheusAlert[]> {
    return (await getJson(`${this.url}/api/v1/alerts`)).data.alerts;
  }

  /** Active scrape targets by job with their health. */
  targets(): Promise<ScrapeTarget[]> {
    return activeTargets(this.url);
  }

  /**
   * Whether the notifier knows an Alertmanager. Alerts evaluated before that
   * are dropped, and the rule re-sends them only after its resend delay (1m).
   */
  async notifierReady(): Promise<boolean> {
    return sampleSum(await getText(`${this.url}/metrics`), 'prometheus_notifications_alertmanagers_discovered') > 0;
  }

  /** Names of the alerting rules loaded, with their rule group. */
  async alertingRules(): Promise<{ group: string; name: string; health: string }[]> {
    const body = await getJson(`${this.url}/api/v1/rules?type=alert`);
    return body.data.groups.flatMap((g: any) => g.rules.map((r: any) => ({ group: g.name, name: r.name, health: r.health })));
  }
}

/** Timestamps (ms) of the raw samples of the one series `selector` picks, over the `rangeSeconds` before `atSeconds`. */
export async function rawSampleTimes(baseUrl: string, selector: string, rangeSeconds: number, atSeconds: number): Promise<number[]> {
  const params = new URLSearchParams({ query: `${selector}[${rangeSeconds}s]`, time: String(atSeconds) });
  const result = (await getJson(`${baseUrl}/api/v1/query?${params}`)).data.result as { values: [number, string][] }[];
  if (result.length !== 1) throw new Error(`${selector} at ${baseUrl}: expected one series, got ${result.length}`);
  return result[0].values.map(([t]) => Math.round(t * 1000));
}
