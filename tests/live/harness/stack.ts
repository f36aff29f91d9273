import { mkdirSync } from 'fs';
import { join } from 'path';
import { NotificationTiming } from '../../../content/alertmanager/routing';
import { Endpoints, loopbackEndpoints } from '../../../content/endpoints';
import { RuleGroup } from '../../../content/rules/types';
import { LiveAlertmanager } from './alertmanager';
import { postgresExporter, redisExporter } from './exporters';
import { Intervals, LIVE_INTERVALS, LIVE_PIPELINES, liveRuleFiles, livePrometheusConfig, WATCHDOG_RECEIVER } from './live-configs';
import { freePorts, freeUdpPort } from './ports';
import { LivePostgres } from './postgres';
import { ManagedProcess } from './processes';
import { LivePrometheus } from './prometheus';
import { LiveRedis } from './redis';
import { LiveSimulator } from './simulator';
import { LiveStatsdExporter } from './statsd-exporter';
import { liveTools } from './tools';
import { waitFor } from './wait';
import { alertMatching, ReceivedAlert, WebhookReceiver } from './webhook-receiver';
import { makeTempDir, removeDir } from './workspace';

export interface LiveStackOptions {
  /** Names the temp directory, e.g. `alerting`. */
  readonly name: string;
  /** @default LIVE_INTERVALS (5s scrape, 5s evaluation) */
  readonly intervals?: Intervals;
  /** Changes the rule groups before they are written (the latency benchmark's seed-style `for`). @default none */
  readonly adjustRules?: (groups: RuleGroup[]) => RuleGroup[];
  /** @default LIVE_SEED */
  readonly seed?: string;
  /**
   * SIM_TIME_SCALE. 1 keeps pipeline time equal to wall-clock time (plus
   * whole-hour fast-forwards), so every `time()`-based rule sees the
   * schedules the simulator runs. @default 1
   */
  readonly timeScale?: number;
  /** Alertmanager's timers. @default the stack's (DEFAULT_NOTIFICATION_TIMING) */
  readonly notificationTiming?: NotificationTiming;
  /** Prometheus's --rules.alert.resend-delay. @default Prometheus's (1m) */
  readonly alertResendDelaySeconds?: number;
}

/**
 * A seed whose first 60 runs of every example pipeline succeed unless a
 * scenario says otherwise (tests/live/seed.live.ts): a random failure
 * upstream would inhibit the downstream alert a test waits for.
 */
export const LIVE_SEED = 'pipewatch-live';

/**
 * The monitoring stack on loopback: the servers of the Docker stack as local
 * processes, configured by the stack's own render functions, alerting into
 * an in-process webhook receiver. Everything it starts lives in one temp
 * directory and is stopped and removed by `stop()`.
 */
export class LiveStack {
  private readonly processes: readonly ManagedProcess[];

  private constructor(
    readonly dir: string,
    readonly receiver: WebhookReceiver,
    readonly endpoints: Endpoints,
    readonly postgres: LivePostgres,
    readonly redis: LiveRedis,
    readonly statsd: LiveStatsdExporter,
    readonly simulator: LiveSimulator,
    readonly alertmanager: LiveAlertmanager,
    readonly prometheus: LivePrometheus,
    exporters: readonly ManagedProcess[],
  ) {
    this.processes = [...exporters, redis.process, statsd.process, simulator.process, alertmanager.process, prometheus.process];
  }

  /**
   * Starts every server. Free ports are picked before the servers bind them,
   * so a parallel stack can take one in between: then the stack starts again
   * on new ports.
   */
  static async start(options: LiveStackOptions): Promise<LiveStack> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await LiveStack.startOnce(options);
      } catch (error) {
        if (attempt >= 3 || !/address already in use|EADDRINUSE/i.test((error as Error).message)) throw error;
      }
    }
  }

  private static async startOnce(options: LiveStackOptions): Promise<LiveStack> {
    const tools = liveTools();
    const dir = makeTempDir(options.name);
    const subdir = (name: string) => {
      const path = join(dir, name);
      mkdirSync(path);
      return path;
    };
    const cleanups: (() => Promise<unknown>)[] = [async () => removeDir(dir)];
    const track = <T>(value: T, stop: (v: T) => Promise<unknown>): T => {
      cleanups.unshift(() => stop(value));
      return value;
    };
    // Waits for every start, so that none is still starting (and untracked) when a failure cleans up.
    const all = async <T extends readonly unknown[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> => {
      const settled = await Promise.allSettled(starts);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
    };
    try {
      const receiver = track(await WebhookReceiver.start(), (r) => r.stop());
      const [prometheusPort, alertmanagerPort, postgresExporterPort, redisExporterPort, metricsAppPort, redisPort, statsdWebPort] = await freePorts(7);
      const [postgres, redis, statsd, alertmanager] = await all<[LivePostgres, LiveRedis, LiveStatsdExporter, LiveAlertmanager]>([
        LivePostgres.start(subdir('postgres')).then((p) => track(p, (v) => v.destroy())),
        LiveRedis.start(tools.redisServer, dir, redisPort).then((r) => track(r, (v) => v.process.stop())),
        LiveStatsdExporter.start(tools.statsdExporter, dir, await freeUdpPort(), statsdWebPort).then((s) => track(s, (v) => v.process.stop())),
        LiveAlertmanager.start({ binary: tools.alertmanager, dir: subdir('alertmanager'), port: alertmanagerPort, receiverBaseUrl: receiver.baseUrl, timing: options.notificationTiming }).then((a) =>
          track(a, (v) => v.process.stop()),
        ),
      ]);
      const exporters = [
        postgresExporter(tools.postgresExporter, dir, postgresExporterPort, postgres.port, postgres.monitor),
        redisExporter(tools.redisExporter, dir, redisExporterPort, redis.address, redis.password),
      ];
      exporters.forEach((e) => track(e, (v) => v.stop()));
      const [simulator] = await all<[LiveSimulator, ...void[]]>([
        LiveSimulator.start({ dir, port: metricsAppPort, postgresPort: postgres.port, login: postgres.history, seed: options.seed ?? LIVE_SEED, timeScale: options.timeScale ?? 1, pipelines: LIVE_PIPELINES }).then((s) =>
          track(s, (v) => v.process.stop()),
        ),
        ...exporters.map((e) => e.start()),
      ]);
      const endpoints = loopbackEndpoints({
        prometheus: prometheusPort,
        alertmanager: alertmanagerPort,
        statsdExporter: statsdWebPort,
        postgresExporter: postgresExporterPort,
        redisExporter: redisExporterPort,
        metricsApp: metricsAppPort,
        // Not run live (NOT_RUN_LIVE): their scrape jobs are left out of prometheus.yml.
        loki: 0,
        cadvisor: 0,
        otelCollector: 0,
        grafana: 0,
        airflowExporter: 0,
      });
      const prometheus = track(
        await LivePrometheus.start({
          binary: tools.prometheus,
          dir: subdir('prometheus'),
          port: prometheusPort,
          config: (rulesDir) => livePrometheusConfig(endpoints, options.intervals ?? LIVE_INTERVALS, rulesDir),
          ruleFiles: liveRuleFiles(options.adjustRules),
          alertResendDelaySeconds: options.alertResendDelaySeconds,
        }),
        (v) => v.process.stop(),
      );
      return new LiveStack(dir, receiver, endpoints, postgres, redis, statsd, simulator, alertmanager, prometheus, exporters);
    } catch (error) {
      for (const cleanup of cleanups) await cleanup().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Waits until every scrape target is up, the rules are loaded and
   * Prometheus's notifier knows the Alertmanager. The
   * Watchdog's first notification comes about a minute later: Prometheus
   * evaluates its rules before its notifier has learnt the Alertmanager
   * address, drops that first batch and re-sends after --rules.alert.resend-delay (1m).
   */
  async waitUntilScraping(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      'every scrape target is up, the rules are loaded and the notifier knows Alertmanager',
      async () => {
        const [targets, rules, notifier] = await Promise.all([this.prometheus.targets(), this.prometheus.alertingRules(), this.prometheus.notifierReady()]);
        return targets.length > 0 && targets.every((t) => t.health === 'up') && rules.length > 0 && notifier;
      },
      { timeoutMs, intervalMs: 500 },
    );
  }

  /** The Watchdog notifications received so far, oldest first. */
  watchdogNotifications(): ReceivedAlert[] {
    return this.receiver.received(alertMatching({ receiver: WATCHDOG_RECEIVER, labels: { alertname: 'Watchdog' } }));
  }

  /** Stops every server, then removes the temp directories (kept when PIPEWATCH_LIVE_KEEP=1, for their logs). */
  async stop(): Promise<void> {
    const results = await Promise.allSettled([
      ...this.processes.map((p) => p.stop()),
      this.receiver.stop(),
    ]);
    await this.postgres.destroy();
    if (process.env.PIPEWATCH_LIVE_KEEP !== '1') removeDir(this.dir);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new Error(`stopping the live stack failed: ${failed.map((f) => String(f.reason)).join('; ')}`);
  }
}
