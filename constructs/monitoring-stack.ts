import { Construct } from 'constructs';
import { dbtLineageInhibitRule } from '../content/dbt/lineage';
import { pushgatewayScrapeJob } from '../content/dbt/pushgateway';
import { DBT_RULE_FILE, dbtRuleGroups } from '../content/dbt/rules';
import { DbtProjectSpec } from '../content/dbt/spec';
import { validateDbtProjectSpec } from '../content/dbt/validate';
import { Endpoints, containerEndpoints } from '../content/endpoints';
import { WAREHOUSE_RULE_FILE, warehouseRuleGroups } from '../content/warehouse/rules';
import { WarehouseSpec } from '../content/warehouse/spec';
import { DASHBOARD_UIDS, webExternalUrl } from '../content/links';
import { PipelineSpec } from '../content/pipeline/spec';
import { RemoteWrite } from '../content/prometheus/remote-write';
import { scrapeJob } from '../content/prometheus/config';
import { AlertLinkOptions } from '../content/rules/alert-links';
import { renderRuleFile } from '../content/rules/render';
import { PIPELINE_RULE_FILE, PLATFORM_RULE_FILE, platformRuleGroups, renderPipelineRuleFile } from '../content/rules/rule-set';
import { invalid } from '../content/validation';
import { Receiver } from '../content/alertmanager/receivers';
import { TeamRoute } from '../content/alertmanager/routing';
import { allDashboards } from '../dashboards/index';
import { Airflow, DagsSource } from './airflow/airflow';
import { Alertmanager } from './alertmanager/alertmanager';
import { ImageMap } from './core/images';
import { Platform } from './core/platform';
import { AirflowExporter } from './exporters/airflow-exporter';
import { Pushgateway } from './dbt/pushgateway';
import { StreamingMonitoring, StreamingMonitoringProps } from './streaming/streaming-monitoring';
import { StreamingComponents } from './streaming/streaming-components';
import { Cadvisor } from './exporters/cadvisor';
import { PostgresExporter } from './exporters/postgres-exporter';
import { RedisExporter } from './exporters/redis-exporter';
import { StatsdExporter } from './exporters/statsd-exporter';
import { Grafana } from './grafana/grafana';
import { Loki } from './loki/loki';
import { COLLECTOR_TRACES_TARGET, LogShipper } from './loki/otel-collector';
import { Jaeger } from './jaeger/jaeger';
import { MetricsApp } from './metrics-app/metrics-app';
import { PipelineMonitor } from './pipeline/pipeline-monitor';
import { DatabaseLogin, Postgres } from './postgres/postgres';
import { Prometheus } from './prometheus/prometheus';
import { Redis } from './redis/redis';

/** Host ports of the UIs, before `hostPortOffset` is added. */
export const DEFAULT_HOST_PORTS = { grafana: 3000, prometheus: 9090, alertmanager: 9093, airflow: 8080, metricsApp: 8000, statsd: 9125, jaeger: 16686, mlflow: 5000 } as const;

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
  /** Long-term stores Prometheus copies every sample to (docs/remote-write.md). @default [] */
  readonly remoteWrite?: readonly RemoteWrite[];
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
  /** Run Loki and its log shipper, the OpenTelemetry Collector. @default true */
  readonly logs?: boolean;
  /**
   * Distributed traces (docs/logs-and-traces.md#traces-in-the-stack): Jaeger v2 keeping traces in
   * memory, a traces pipeline in the OpenTelemetry Collector, Airflow's `[traces]` settings pointed
   * at the collector, Grafana's Jaeger datasource, run-to-trace links on Pipeline Detail and trace
   * links on log lines. Needs `logs` (the collector runs with the log shipper).
   * @default - off: memory storage loses every trace when Jaeger restarts, and Airflow's spans cost
   * the scheduler and workers an export per run and task try; switch it on where traces are read.
   */
  readonly traces?: TracesProps;
  /** Run cAdvisor (it mounts the Docker host's /var/lib/docker, /var/run and /sys). @default true */
  readonly containerMetrics?: boolean;
  /** Simulated pipeline hours per real hour. @default 60 */
  readonly simulatorTimeScale?: number;
  /** Docker's data root on the Docker host; the log shipper reads its containers/ json-file logs. @default '/var/lib/docker' */
  readonly dockerDataRoot?: string;
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
  /**
   * Monitor dbt: a Pushgateway (state persisted on a volume) that dbt
   * invocations push their artifacts' metrics to, the dbt alerts of each
   * project routed to its owner team, and the lineage inhibition
   * (docs/dbt.md). More projects with addDbtProject().
   * @default - off: no Pushgateway, no dbt rules
   */
  readonly dbt?: DbtMonitoringProps;
  /**
   * Warehouse and business signals: replication lag of the warehouse's
   * PostgreSQL replicas over a declared bound, business KPIs against last
   * week (docs/dbt.md#warehouse-and-business-signals).
   * @default - off: no warehouse.yml rule file
   */
  readonly warehouse?: WarehouseSpec;
  /**
   * Streaming pipelines (docs/streaming.md): the Kafka, Spark, Delta Lake and
   * MLflow alerts of each declared pipeline, their lineage inhibitions, and
   * scrape jobs for the components switched on by their targets, or run in
   * the stack with `run` (Kafka with its lag exporter, the Spark job, MLflow).
   * Delta table metrics arrive through the Pushgateway, which this turns on.
   * @default - off: no streaming rules, no streaming scrape jobs
   */
  readonly streaming?: StreamingMonitoringProps;
}

export interface TracesProps {
  readonly enabled: boolean;
  /** Traces Jaeger keeps in memory; the oldest go first. @default 50000 */
  readonly maxTraces?: number;
}

export interface DbtMonitoringProps {
  /** @default [] */
  readonly projects?: readonly DbtProjectSpec[];
}

export interface PublicUrls {
  readonly grafana?: string;
  readonly prometheus?: string;
  readonly alertmanager?: string;
}

type HostPorts = { readonly [name in keyof typeof DEFAULT_HOST_PORTS]: number };

/** Which optional parts of the stack run. */
interface RunningParts {
  readonly airflow: boolean;
  readonly grafana: boolean;
  readonly logs: boolean;
  readonly traces: boolean;
  readonly mlflow: boolean;
  readonly containerMetrics: boolean;
  readonly simulator: boolean;
}

function runningParts(props: MonitoringStackProps): RunningParts {
  return {
    airflow: props.airflow ?? true,
    grafana: props.grafana ?? true,
    logs: props.logs ?? true,
    traces: props.traces?.enabled ?? false,
    mlflow: props.streaming?.run?.mlflow !== undefined,
    containerMetrics: props.containerMetrics ?? true,
    simulator: props.simulator ?? true,
  };
}

/** The host ports this stack publishes: StatsD only for an existing Airflow, the UIs of what runs. */
function publishedHostPorts(runs: RunningParts): (keyof typeof DEFAULT_HOST_PORTS)[] {
  return [
    'prometheus',
    'alertmanager',
    ...(runs.grafana ? (['grafana'] as const) : []),
    ...(runs.airflow ? (['airflow'] as const) : (['statsd'] as const)),
    ...(runs.simulator ? (['metricsApp'] as const) : []),
    ...(runs.traces ? (['jaeger'] as const) : []),
    ...(runs.mlflow ? (['mlflow'] as const) : []),
  ];
}

/** The PostgreSQL logins of the stack's clients. */
interface Databases {
  readonly airflow: DatabaseLogin;
  /** Read-only, for the Airflow state exporter; only with the bundled Airflow. */
  readonly airflowReader?: DatabaseLogin;
  readonly history: DatabaseLogin;
  readonly historyReader: DatabaseLogin;
  readonly exporter: DatabaseLogin;
}

/**
 * The whole observability stack for one environment: the platform
 * (PostgreSQL, Redis, Airflow), the signals (exporters, simulator) and the
 * monitoring (Prometheus, Loki + the OpenTelemetry Collector, Grafana), wired together. Each
 * service that serves metrics adds its own scrape job as it is created.
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
  /** Present when traces are on. */
  readonly jaeger?: Jaeger;
  /** Present when dbt or streaming monitoring is on. */
  readonly pushgateway?: Pushgateway;
  /** Present when the stack runs streaming components (`streaming.run`). */
  readonly streamingComponents?: StreamingComponents;
  private readonly specs: PipelineSpec[] = [];
  private readonly dbtProjects: DbtProjectSpec[] = [];
  private readonly monitors: PipelineMonitor[] = [];
  private readonly pipelineScope: Construct;
  private readonly links: AlertLinkOptions;
  private readonly hostPorts: HostPorts;
  private readonly endpoints = containerEndpoints();

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id);
    const runs = runningParts(props);
    this.hostPorts = this.validatedHostPorts(props.hostPortOffset ?? 0, runs);
    this.links = { grafanaUrl: webExternalUrl(this, props.publicUrls?.grafana, this.hostPorts.grafana, 'publicUrls.grafana'), runbookBaseUrl: props.runbookBaseUrl };
    const platform = (this.platform = new Platform(this, 'Platform', { environment: props.environment, images: props.images, publishAddress: props.publishAddress }));

    this.prometheus = this.addPrometheus(props);
    this.scraped('prometheus', this.prometheus);
    this.alertmanager = this.scraped('alertmanager', this.addAlertmanager(props));
    this.postgres = new Postgres(this, 'Postgres', { platform });
    const databases = this.addDatabases(runs);
    this.redis = new Redis(this, 'Redis', { platform });
    this.statsdExporter = this.addExporters(runs, databases.exporter);

    this.pipelineScope = new Construct(this, 'Pipelines');
    props.pipelines.forEach((spec) => this.addPipeline(spec));
    this.addRuleFiles(runs);
    if (props.warehouse) {
      const spec = props.warehouse;
      this.prometheus.addRuleFile(WAREHOUSE_RULE_FILE, () => renderRuleFile(warehouseRuleGroups(spec, this.links, `${this.node.path}/warehouse`)));
    }
    if (props.dbt) {
      this.pushgateway = this.addDbt();
      (props.dbt.projects ?? []).forEach((spec) => this.addDbtProject(spec));
    }
    if (props.streaming) {
      const pushgateway = (this.pushgateway ??= this.addPushgateway());
      let streaming = props.streaming;
      if (streaming.run) {
        this.streamingComponents = new StreamingComponents(this, 'StreamingComponents', streaming.run, {
          platform,
          pipelines: streaming.pipelines ?? [],
          pushgateway: pushgateway.endpoint,
          mlflowHostPort: this.hostPorts.mlflow,
          external: streaming,
        });
        // The components that run here are scraped at their containers.
        streaming = { ...streaming, ...this.streamingComponents.targets };
      }
      new StreamingMonitoring(this, 'Streaming', streaming, { prometheus: this.prometheus, alertmanager: this.alertmanager, links: this.links, batchDagIds: () => this.specs.map((s) => s.dagId) });
    }

    if (runs.logs) this.loki = this.scraped('loki', new Loki(this, 'Loki', { platform, retentionDays: props.lokiRetentionDays }));
    if (runs.traces) this.jaeger = this.addJaeger(props, runs);
    if (runs.airflow) {
      this.airflow = this.addAirflow(props, databases.airflow);
      this.scraped('airflowExporter', new AirflowExporter(this, 'AirflowExporter', { platform, login: databases.airflowReader! }));
    }
    if (this.loki) {
      this.scraped('otelCollector', new LogShipper(this, 'LogShipper', {
        platform,
        lokiOtlpEndpoint: this.loki.otlpEndpoint,
        airflowLogs: this.airflow?.logs,
        dockerDataRoot: props.dockerDataRoot,
        jaegerOtlpEndpoint: this.jaeger?.otlpEndpoint,
      }));
    }
    if (runs.grafana) this.grafana = this.scraped('grafana', this.addGrafana(databases.historyReader));
    if (runs.simulator) this.metricsApp = this.scraped('metricsApp', this.addSimulator(databases.history, props));
  }

  /** Host ports after the offset; the offset must keep the highest port this stack publishes within 65535. */
  private validatedHostPorts(offset: number, runs: RunningParts): HostPorts {
    const highest = Math.max(...publishedHostPorts(runs).map((name) => DEFAULT_HOST_PORTS[name]));
    if (!Number.isInteger(offset) || offset < 0 || offset + highest > 65535) {
      invalid(this, 'hostPortOffset', offset, `Use a whole number from 0 to ${65535 - highest} (the highest published port is ${highest}), e.g. 10000 for a second environment.`);
    }
    return Object.fromEntries(Object.entries(DEFAULT_HOST_PORTS).map(([name, port]) => [name, port + offset])) as HostPorts;
  }

  /** Scrapes a service that serves metrics at its container endpoint; returns the service. */
  private scraped<T>(key: keyof Endpoints, service: T): T {
    this.prometheus.addScrapeTarget(scrapeJob(key, this.endpoints));
    return service;
  }

  /** Every login, created in one place and order so the postgres-setup job stays the same between synths. */
  private addDatabases(runs: RunningParts): Databases {
    const airflow = this.postgres.addDatabase('airflow');
    const history = this.postgres.addDatabase('pipeline_history');
    const historyReader = this.postgres.addReader('grafana_reader', history.database);
    const exporter = this.postgres.addMonitor('postgres_exporter');
    const airflowReader = runs.airflow ? this.postgres.addReader('airflow_exporter', airflow.database) : undefined;
    return { airflow, history, historyReader, exporter, airflowReader };
  }

  private addPrometheus(props: MonitoringStackProps): Prometheus {
    const prometheus = new Prometheus(this, 'Prometheus', {
      platform: this.platform,
      retentionDays: props.prometheusRetentionDays,
      scrapeIntervalSeconds: props.scrapeIntervalSeconds,
      evaluationIntervalSeconds: props.evaluationIntervalSeconds,
      hostPort: this.hostPorts.prometheus,
      externalUrl: props.publicUrls?.prometheus,
      remoteWrite: props.remoteWrite,
    });
    prometheus.addAlertmanager(this.endpoints.alertmanager);
    return prometheus;
  }

  private addAlertmanager(props: MonitoringStackProps): Alertmanager {
    return new Alertmanager(this, 'Alertmanager', {
      platform: this.platform,
      receivers: props.receivers,
      teamRoutes: props.teamRoutes,
      defaultReceiver: props.defaultReceiver,
      watchdogReceiver: props.watchdogReceiver,
      hostPort: this.hostPorts.alertmanager,
      externalUrl: props.publicUrls?.alertmanager,
    });
  }

  /** StatsD, PostgreSQL, Redis and (optionally) container metrics. */
  private addExporters(runs: RunningParts, exporterLogin: DatabaseLogin): StatsdExporter {
    const platform = this.platform;
    // Without the bundled Airflow, an existing one sends its StatsD to the host port.
    const statsd = new StatsdExporter(this, 'StatsdExporter', { platform, statsdHostPort: runs.airflow ? undefined : this.hostPorts.statsd });
    this.scraped('statsdExporter', statsd);
    this.scraped('postgresExporter', new PostgresExporter(this, 'PostgresExporter', { platform, login: exporterLogin }));
    this.scraped('redisExporter', new RedisExporter(this, 'RedisExporter', { platform, redis: this.redis }));
    if (runs.containerMetrics) this.scraped('cadvisor', new Cadvisor(this, 'Cadvisor', { platform }));
    return statsd;
  }

  /** Rendered at synth, so pipelines added with addPipeline() are included; each monitor brings its thresholds. */
  private addRuleFiles(runs: RunningParts): void {
    this.prometheus.addRuleFile(PIPELINE_RULE_FILE, () => renderPipelineRuleFile(this.monitors.flatMap((m) => m.thresholds), this.links));
    this.prometheus.addRuleFile(PLATFORM_RULE_FILE, () => renderRuleFile(platformRuleGroups({ ...this.links, logs: runs.logs })));
  }

  /** The Pushgateway, its scrape job (keeping the pushed labels), the dbt rule file and the lineage inhibition. */
  private addDbt(): Pushgateway {
    const pushgateway = this.addPushgateway();
    this.prometheus.addRuleFile(DBT_RULE_FILE, () => renderRuleFile(dbtRuleGroups(this.dbtProjects, this.links, (i) => this.dbtWhere(i))));
    this.alertmanager.addInhibitRule(dbtLineageInhibitRule());
    return pushgateway;
  }

  /** The Pushgateway that dbt invocations and Delta-writing jobs push to, scraped keeping the pushed labels. */
  private addPushgateway(): Pushgateway {
    const pushgateway = new Pushgateway(this, 'Pushgateway', { platform: this.platform });
    this.prometheus.addScrapeTarget(pushgatewayScrapeJob(pushgateway.endpoint));
    return pushgateway;
  }

  private dbtWhere(i: number): string {
    return `${this.node.path}/dbt.projects[${i}]`;
  }

  /** Monitors one more dbt project and target; dbt monitoring must be on (the `dbt` prop). */
  addDbtProject(spec: DbtProjectSpec): void {
    if (!this.pushgateway) invalid(this, 'addDbtProject', spec.project, 'dbt monitoring is off: set `dbt: {}` (or `dbt: { projects: [...] }`) on the stack first.');
    validateDbtProjectSpec(spec, this.dbtWhere(this.dbtProjects.length));
    this.dbtProjects.push(spec);
  }

  /** Jaeger, reached through the collector: traces need the log shipper running. */
  private addJaeger(props: MonitoringStackProps, runs: RunningParts): Jaeger {
    if (!runs.logs) {
      invalid(this, 'traces.enabled', true, 'Traces travel through the OpenTelemetry Collector, which runs with the logs: set `logs: true` (the default) or `traces: { enabled: false }`.');
    }
    return new Jaeger(this, 'Jaeger', { platform: this.platform, hostPort: this.hostPorts.jaeger, maxTraces: props.traces?.maxTraces });
  }

  private addAirflow(props: MonitoringStackProps, metadataDb: DatabaseLogin): Airflow {
    return new Airflow(this, 'Airflow', {
      platform: this.platform,
      metadataDb,
      redis: this.redis,
      statsdHost: this.statsdExporter.statsdHost,
      dags: props.dags,
      hostPort: this.hostPorts.airflow,
      traces: this.jaeger ? COLLECTOR_TRACES_TARGET : undefined,
    });
  }

  /** The simulator plays the pipelines this stack monitors, read at synth. */
  private addSimulator(historyDb: DatabaseLogin, props: MonitoringStackProps): MetricsApp {
    return new MetricsApp(this, 'MetricsApp', {
      platform: this.platform,
      history: historyDb,
      pipelines: () => this.specs,
      timeScale: props.simulatorTimeScale,
      hostPort: this.hostPorts.metricsApp,
    });
  }

  /** Grafana with provisioned datasources and every dashboard, rendered at synth. */
  private addGrafana(historyReader: DatabaseLogin): Grafana {
    const grafana = new Grafana(this, 'Grafana', {
      platform: this.platform,
      prometheusUrl: `http://${this.endpoints.prometheus}`,
      lokiUrl: this.loki ? `http://${this.endpoints.loki}` : undefined,
      jaegerUrl: this.jaeger?.queryUrl,
      alertmanagerUrl: `http://${this.endpoints.alertmanager}`,
      prometheusScrapeIntervalSeconds: this.prometheus.scrapeIntervalSeconds,
      historyReader,
      hostPort: this.hostPorts.grafana,
      rootUrl: this.links.grafanaUrl,
    });
    // Rendered once at synth, so pipelines added later count too (their team, their SLO window).
    let rendered: { forPipelines: number; dashboards: ReturnType<typeof allDashboards> } | undefined;
    const renderedDashboard = (uid: string) => {
      if (rendered?.forPipelines !== this.specs.length) rendered = { forPipelines: this.specs.length, dashboards: allDashboards(this.specs, { ...this.links, traces: this.jaeger !== undefined }) };
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
    const monitor = new PipelineMonitor(this.pipelineScope, spec.dagId, { spec, catalog: [...this.specs, spec] });
    this.specs.push(spec);
    this.monitors.push(monitor);
    if (monitor.inhibitRule) this.alertmanager.addInhibitRule(monitor.inhibitRule);
    return monitor;
  }

  get pipelines(): readonly PipelineSpec[] {
    return this.specs;
  }
}
