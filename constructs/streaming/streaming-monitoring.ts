import { Construct } from 'constructs';
import { AlertLinkOptions } from '../../content/rules/alert-links';
import { renderRuleFile } from '../../content/rules/render';
import { streamingInhibitRules } from '../../content/streaming/lineage';
import { STREAMING_RULE_FILE, streamingRuleGroups } from '../../content/streaming/rules';
import { ModelServerTarget, streamingScrapeJobs } from '../../content/streaming/scrape';
import { StreamingPipelineSpec } from '../../content/streaming/spec';
import { invalid } from '../../content/validation';
import { Alertmanager } from '../alertmanager/alertmanager';
import { Prometheus } from '../prometheus/prometheus';
import { StreamingComponentsProps } from './streaming-components';

/** host:port of a component's metrics endpoint, as Prometheus reaches it. */
const TARGET = /^[A-Za-z0-9.-]+:[0-9]{1,5}$/;

/**
 * The streaming components pipewatch watches. Each is off unless its targets
 * are given (existing servers) or the stack runs it (`run`); only the
 * components that are on get a scrape job (docs/streaming.md).
 */
export interface StreamingMonitoringProps {
  /** @default [] */
  readonly pipelines?: readonly StreamingPipelineSpec[];
  /**
   * Components the stack runs itself, scraped at their containers; a component
   * given here cannot also be given as an existing server below.
   * @default - none: monitor existing servers only
   */
  readonly run?: StreamingComponentsProps;
  /**
   * Kafka: each broker's JMX exporter java agent (started with
   * content/streaming/kafka-jmx.ts's config), and pipewatch's lag exporter
   * (streaming/kafka_lag_exporter.py) for the declared consumer groups.
   * @default - off: no Kafka scrape jobs
   */
  readonly kafka?: { readonly jmxTargets: readonly string[]; readonly lagExporterTargets: readonly string[] };
  /** Spark drivers' UI ports (PrometheusServlet and `spark.ui.prometheus.enabled`). @default - off */
  readonly spark?: { readonly driverTargets: readonly string[] };
  /** MLflow tracking servers started with `--expose-prometheus`. @default - off */
  readonly mlflow?: { readonly targets: readonly string[] };
  /**
   * Model servers: MLServer (`mlflow models serve --enable-mlserver`) on its
   * metrics port, one model each, named as in the pipelines' `servedModel.model`.
   * @default - off: no model server scrape job
   */
  readonly modelServers?: readonly ModelServerTarget[];
  /** Team that owns the Kafka cluster: receives the broker alerts. @default 'data-platform' */
  readonly platformTeam?: string;
}

export interface StreamingMonitoringWiring {
  readonly prometheus: Prometheus;
  readonly alertmanager: Alertmanager;
  readonly links: AlertLinkOptions;
  /** The batch pipelines' dag_ids, which `upstream` may name. */
  readonly batchDagIds: () => readonly string[];
}

/** The streaming rule file, its lineage inhibitions and the scrape jobs of the components that are on. */
export class StreamingMonitoring extends Construct {
  constructor(scope: Construct, id: string, props: StreamingMonitoringProps, wiring: StreamingMonitoringWiring) {
    super(scope, id);
    const pipelines = props.pipelines ?? [];
    const check = (key: string, targets: readonly string[]) =>
      targets.forEach((t, i) => {
        if (!TARGET.test(t)) invalid(this, `${key}[${i}]`, t, 'Use host:port of the metrics endpoint as Prometheus reaches it, e.g. "kafka-1:7071".');
      });
    check('kafka.jmxTargets', props.kafka?.jmxTargets ?? []);
    check('kafka.lagExporterTargets', props.kafka?.lagExporterTargets ?? []);
    check('spark.driverTargets', props.spark?.driverTargets ?? []);
    check('mlflow.targets', props.mlflow?.targets ?? []);
    this.checkModelServers(props.modelServers ?? []);
    const jobs = streamingScrapeJobs({
      kafkaJmx: props.kafka?.jmxTargets,
      lagExporter: props.kafka?.lagExporterTargets,
      sparkDrivers: props.spark?.driverTargets,
      mlflow: props.mlflow?.targets,
      modelServers: props.modelServers,
    });
    jobs.forEach((job) => wiring.prometheus.addScrapeTarget(job));
    const whereOf = (i: number) => `${this.node.path}.pipelines[${i}]`;
    wiring.prometheus.addRuleFile(STREAMING_RULE_FILE, () =>
      renderRuleFile(streamingRuleGroups(pipelines, { platformTeam: props.platformTeam, knownDagIds: wiring.batchDagIds(), links: wiring.links, whereOf })),
    );
    streamingInhibitRules(pipelines).forEach((rule) => wiring.alertmanager.addInhibitRule(rule));
  }

  /** Each server a host:port with a model name; a target scraped twice would count its requests twice. */
  private checkModelServers(servers: readonly ModelServerTarget[]): void {
    const seen = new Set<string>();
    servers.forEach((s, i) => {
      if (!TARGET.test(s.target)) invalid(this, `modelServers[${i}].target`, s.target, 'Use host:port of MLServer\'s metrics port (MLSERVER_METRICS_PORT, default 8082), e.g. "fraud-scorer:8082".');
      if (!s.model) invalid(this, `modelServers[${i}].model`, s.model, 'Name the model the server serves, as in the pipeline\'s servedModel.model, e.g. "fraud_scorer".');
      if (seen.has(s.target)) invalid(this, `modelServers[${i}].target`, s.target, 'Each model server is listed once: one server serves one model; remove the repeated entry.');
      seen.add(s.target);
    });
  }
}
