import { Construct } from 'constructs';
import { allDashboards } from '../dashboards/index';
import { Airflow, DagsSource } from './airflow/airflow';
import { Alertmanager } from './alertmanager/alertmanager';
import { Receiver } from '../content/alertmanager/receivers';
import { TeamRoute } from '../content/alertmanager/routing';
import { SERVICE_NAMES, containerEndpoints } from '../content/endpoints';
import { DASHBOARD_UIDS, webExternalUrl } from '../content/links';
import { ImageMap } from './core/images';
import { Platform } from './core/platform';
import { invalid } from '../content/validation';
import { Cadvisor } from './exporters/cadvisor';
import { PostgresExporter } from './exporters/postgres-exporter';
import { RedisExporter } from './exporters/redis-exporter';
import { StatsdExporter } from './exporters/statsd-exporter';
import { Grafana } from './grafana/grafana';
import { Alloy } from './loki/alloy';
import { Loki } from './loki/loki';
import { MetricsApp } from './metrics-app/metrics-app';
import { PipelineMonitor } from './pipeline/pipeline-monitor';
import { PipelineSpec } from '../content/pipeline/spec';
import { DatabaseLogin, Postgres } from './postgres/postgres';
import { standardScrapeJobs } from '../content/prometheus/config';
import { Prometheus } from './prometheus/prometheus';
import { Redis } from './redis/redis';
import { AlertLinkOptions } from '../content/rules/alert-links';
import { renderRuleFile } from '../content/rules/render';
import { PIPELINE_RULE_FILE, PLATFORM_RULE_FILE, pipelineRuleGroups, platformRuleGroups } from '../content/rules/rule-set';

/** Host ports of the UIs, before `hostPortOffset` is added. */
export const DEFAULT_HOST_PORTS = { grafana: 3000, prometheus: 9090, alertmanager: 9093, airflow: 8080, metricsApp: 8000, statsd: 9125 } as const;

export interface MonitoringStackProps {
  /** Prefix of every container, network and volume (`dev`, `pr-123`). */
  readonly environment: string;
  /** The pipelines to monitor (and to simulate). */
  readonly pipelines: readonly PipelineSpec[];
  /** Image overrides (private registry, mirror, local builds). @default - pinned public images */
  readonly images?: ImageMap;
  /** Address published ports bind to. @default '127.0.0.1' */
  readonly publishAddress?: string;
  /** Added to every published host port, so two environments can run on one Docker host. @default 0 */
  readonly hostPortOffset?: number;
  /** @default 15 */
  readonly prometheusRetentionDays?: number;
  /** @default 15 */
  readonly scrapeIntervalSeconds?: number;
  /** @default 15 */
  readonly evaluationIntervalSeconds?: number;
  /** @default 7 */
  readonly lokiRetentionDays?: number;
  /** Run the bundled Airflow. Turn off to monitor an existing Airflow that sends StatsD here. @default true */
  readonly airflow?: boolean;
  /** @default - bind-mount the repository's airflow/dags */
  readonly dags?: DagsSource;
  /** Run the pipeline simulator. @default true */
  readonly simulator?: boolean;
  /** Run Grafana here. Off: deliver dashboards to an existing Grafana with the grafana stack. @default true */
  readonly grafana?: boolean;
  /** Run Loki and the Alloy log shipper. @default true */
  readonly logs?: boolean;
  /** Run cAdvisor (it mounts the Docker host's /var/lib/docker, /var/run and /sys). @default true */
  readonly containerMetrics?: boolean;
  /** Simulated pipeline hours per real hour. @default 60 */
  readonly simulatorTimeScale?: number;
  /** Docker socket path on the Docker host (log shipping and cAdvisor). @default '/var/run/docker.sock' */
  readonly dockerSocket?: string;
  /** Alert receivers (Slack, email, PagerDuty, webhook); credentials become sensitive variables. @default [] */
  readonly receivers?: readonly Receiver[];
  /** Which receiver gets each team's alerts. @default [] */
  readonly teamRoutes?: readonly TeamRoute[];
  /** Receiver for alerts no team route matches. @default - dropped */
  readonly defaultReceiver?: string;
  /** Dead-man's-switch receiver for the always-firing Watchdog. @default - dropped */
  readonly watchdogReceiver?: string;
  /** Where alert runbook links point. @default - docs/runbooks.md of the project */
  readonly runbookBaseUrl?: string;
  /**
   * URLs people open the UIs at, when not `http://localhost:<host port>`: a
   * hostname in front of a remote host, or an existing Grafana (`grafana: false`).
   * Alerts' dashboard links start with `grafana`; source links and
   * notification links lead to `prometheus` and `alertmanager`.
   * @default - http://localhost:<host port> of each
   */
  readonly publicUrls?: PublicUrls;
}

export interface PublicUrls {
  readonly grafana?: string;
  readonly prometheus?: string;
  readonly alertmanager?: string;
}

/**
 * The whole observability stack for one environment: the platform
 * (PostgreSQL, Redis, Airflow), the signals (exporters, simulator) and the
 * monitoring (Prometheus, Loki + Alloy, Grafana), wired together.
 */
export class MonitoringStack extends Construct {
  readonly platform: Platform;
  readonly postgres: Postgres;
  readonly redis: Redis;
  readonly statsdExporter: StatsdExporter;
  readonly prometheus: Prometheus;
  readonly alertmanager: Alertmanager;
  readonly loki?: Loki;
  readonly grafana?: Grafana;
  readonly airflow?: Airflow;
  readonly metricsApp?: MetricsApp;
  private readonly specs: PipelineSpec[] = [];
  private readonly monitors: PipelineMonitor[] = [];
  private readonly pipelineScope: Construct;
  private readonly links: AlertLinkOptions;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    const offset = props.hostPortOffset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset + 9093 > 65535) {
      invalid(this, 'hostPortOffset', offset, 'Use a whole number from 0 to 56000, e.g. 10000 for a second environment.');
    }
    const hostPort = (name: keyof typeof DEFAULT_HOST_PORTS) => DEFAULT_HOST_PORTS[name] + offset;
    this.links = { grafanaUrl: webExternalUrl(this, props.publicUrls?.grafana, hostPort('grafana'), 'publicUrls.grafana'), runbookBaseUrl: props.runbookBaseUrl };
    const platform = (this.platform = new Platform(this, 'Platform', {
      environment: props.environment,
      images: props.images,
      publishAddress: props.publishAddress,
    }));
    const endpoints = containerEndpoints();

    this.postgres = new Postgres(this, 'Postgres', { platform });
    const airflowDb = this.postgres.addDatabase('airflow');
    const historyDb = this.postgres.addDatabase('pipeline_history');
    const historyReader = this.postgres.addReader('grafana_reader', historyDb.database);
    this.redis = new Redis(this, 'Redis', { platform });

    const bundledAirflow = props.airflow ?? true;
    // Without the bundled Airflow, an existing one sends its StatsD to the host port.
    this.statsdExporter = new StatsdExporter(this, 'StatsdExporter', { platform, statsdHostPort: bundledAirflow ? undefined : hostPort('statsd') });
    new PostgresExporter(this, 'PostgresExporter', { platform, login: this.postgres.addMonitor('postgres_exporter') });
    new RedisExporter(this, 'RedisExporter', { platform, redis: this.redis });
    const runs = {
      grafana: props.grafana ?? true,
      logs: props.logs ?? true,
      containerMetrics: props.containerMetrics ?? true,
      simulator: props.simulator ?? true,
    };
    if (runs.containerMetrics) new Cadvisor(this, 'Cadvisor', { platform });

    this.prometheus = new Prometheus(this, 'Prometheus', {
      platform,
      retentionDays: props.prometheusRetentionDays,
      scrapeIntervalSeconds: props.scrapeIntervalSeconds,
      evaluationIntervalSeconds: props.evaluationIntervalSeconds,
      hostPort: hostPort('prometheus'),
      externalUrl: props.publicUrls?.prometheus,
    });
    // Scrape only what this environment runs: a job without its service would page as TargetDown.
    const notRunning = new Set<string>([
      ...(runs.grafana ? [] : [SERVICE_NAMES.grafana]),
      ...(runs.logs ? [] : [SERVICE_NAMES.loki, SERVICE_NAMES.alloy]),
      ...(runs.containerMetrics ? [] : [SERVICE_NAMES.cadvisor]),
      ...(runs.simulator ? [] : [SERVICE_NAMES.metricsApp]),
    ]);
    standardScrapeJobs(endpoints)
      .filter((job) => !notRunning.has(job.job))
      .forEach((job) => this.prometheus.addScrapeTarget(job));
    this.prometheus.addAlertmanager(endpoints.alertmanager);
    // Rendered at synth, so pipelines added with addPipeline() are included.
    this.prometheus.addRuleFile(PIPELINE_RULE_FILE, () =>
      renderRuleFile(pipelineRuleGroups(this.specs, this.links, (i) => this.monitors[i].node.path)),
    );
    this.prometheus.addRuleFile(PLATFORM_RULE_FILE, () => renderRuleFile(platformRuleGroups(this.links)));

    this.alertmanager = new Alertmanager(this, 'Alertmanager', {
      platform,
      receivers: props.receivers,
      teamRoutes: props.teamRoutes,
      defaultReceiver: props.defaultReceiver,
      watchdogReceiver: props.watchdogReceiver,
      hostPort: hostPort('alertmanager'),
      externalUrl: props.publicUrls?.alertmanager,
    });
    this.pipelineScope = new Construct(this, 'Pipelines');
    props.pipelines.forEach((spec) => this.addPipeline(spec));

    if (runs.logs) this.loki = new Loki(this, 'Loki', { platform, retentionDays: props.lokiRetentionDays });
    if (bundledAirflow) {
      this.airflow = new Airflow(this, 'Airflow', {
        platform,
        metadataDb: airflowDb,
        redis: this.redis,
        statsdHost: this.statsdExporter.statsdHost,
        dags: props.dags,
        hostPort: hostPort('airflow'),
      });
    }
    if (this.loki) {
      new Alloy(this, 'Alloy', { platform, lokiPushUrl: this.loki.pushUrl, airflowLogs: this.airflow?.logs, dockerSocket: props.dockerSocket });
    }
    if (runs.simulator) {
      this.metricsApp = new MetricsApp(this, 'MetricsApp', {
        platform,
        history: historyDb,
        pipelines: () => this.specs,
        timeScale: props.simulatorTimeScale,
        hostPort: hostPort('metricsApp'),
      });
    }

    if (runs.grafana) this.grafana = this.addGrafana(platform, historyReader, hostPort('grafana'));
  }

  /** Grafana with provisioned datasources and every dashboard, rendered at synth. */
  private addGrafana(platform: Platform, historyReader: DatabaseLogin, hostPort: number): Grafana {
    const endpoints = containerEndpoints();
    const grafana = new Grafana(this, 'Grafana', {
      platform,
      prometheusUrl: `http://${endpoints.prometheus}`,
      lokiUrl: this.loki ? `http://${endpoints.loki}` : undefined,
      alertmanagerUrl: `http://${endpoints.alertmanager}`,
      prometheusScrapeIntervalSeconds: this.prometheus.scrapeIntervalSeconds,
      historyReader,
      hostPort,
      rootUrl: this.links.grafanaUrl,
    });
    // Rendered once at synth, so pipelines added later get their tiles, links and thresholds too.
    let rendered: { forPipelines: number; dashboards: ReturnType<typeof allDashboards> } | undefined;
    const renderedDashboard = (uid: string) => {
      if (rendered?.forPipelines !== this.specs.length) rendered = { forPipelines: this.specs.length, dashboards: allDashboards(this.specs, this.links) };
      return rendered.dashboards.find((d) => d.uid === uid)!.json;
    };
    for (const uid of Object.values(DASHBOARD_UIDS)) grafana.addDashboard(uid, () => renderedDashboard(uid));
    return grafana;
  }

  /**
   * Monitors one more pipeline: its alerts, recording-rule inputs and lineage
   * inhibition. Add upstream pipelines before the pipelines that read from them.
   */
  addPipeline(spec: PipelineSpec): PipelineMonitor {
    // Validated before it joins the catalog, so a rejected spec leaves the stack as it was.
    const monitor = new PipelineMonitor(this.pipelineScope, spec.dagId, { spec, catalog: [...this.specs, spec], ...this.links });
    this.specs.push(spec);
    this.monitors.push(monitor);
    if (monitor.inhibitRule) this.alertmanager.addInhibitRule(monitor.inhibitRule);
    return monitor;
  }

  get pipelines(): readonly PipelineSpec[] {
    return this.specs;
  }
}
