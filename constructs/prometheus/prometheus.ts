import { Construct } from 'constructs';
import { toYaml } from '../../content/yaml';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { webExternalUrl } from '../../content/links';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { invalid, requirePositive } from '../../content/validation';
import { ScrapeJob, renderPrometheusConfig } from '../../content/prometheus/config';

export interface PrometheusProps {
  readonly platform: Platform;
  /** @default 15 */
  readonly retentionDays?: number;
  /** @default 15 */
  readonly scrapeIntervalSeconds?: number;
  /** How often alert and recording rules run. @default 15 */
  readonly evaluationIntervalSeconds?: number;
  /** `host:port` of the Alertmanagers alerts go to. @default [] */
  readonly alertmanagers?: readonly string[];
  /** Host port of the web UI (bound to the platform's publish address). @default 9090 */
  readonly hostPort?: number;
  /**
   * URL people open the UI at. Each alert's "source" link (generatorURL) points there.
   * @default `http://localhost:<hostPort>`
   */
  readonly externalUrl?: string;
}

const CONFIG_DIR = '/etc/prometheus';

/** Prometheus with its rendered configuration, rule files and a data volume that survives replacement. */
export class Prometheus extends Construct {
  readonly service: ServiceContainer;
  private readonly scrapeJobs: ScrapeJob[] = [];
  private readonly ruleFiles: string[] = [];
  private readonly alertmanagers: string[];
  /** The global scrape interval: Grafana's Prometheus datasource steps no finer. */
  readonly scrapeIntervalSeconds: number;

  constructor(scope: Construct, id: string, props: PrometheusProps) {
    super(scope, id);
    const retentionDays = requirePositive(this, 'retentionDays', props.retentionDays ?? 15);
    const scrapeIntervalSeconds = (this.scrapeIntervalSeconds = requirePositive(this, 'scrapeIntervalSeconds', props.scrapeIntervalSeconds ?? 15));
    const evaluationIntervalSeconds = requirePositive(this, 'evaluationIntervalSeconds', props.evaluationIntervalSeconds ?? 15);
    this.alertmanagers = [...(props.alertmanagers ?? [])];
    const { platform } = props;

    const config = () =>
      toYaml(
        renderPrometheusConfig({
          scrapeIntervalSeconds,
          evaluationIntervalSeconds,
          externalLabels: { environment: platform.environment },
          alertmanagers: this.alertmanagers,
          ruleFiles: this.ruleFiles.map((name) => `${CONFIG_DIR}/rules/${name}`),
          scrapeJobs: this.scrapeJobs,
        }),
      );

    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: SERVICE_NAMES.prometheus,
      image: 'prometheus',
      command: [
        `--config.file=${CONFIG_DIR}/prometheus.yml`,
        '--storage.tsdb.path=/prometheus',
        `--storage.tsdb.retention.time=${retentionDays}d`,
        '--web.enable-lifecycle',
        `--web.external-url=${webExternalUrl(this, props.externalUrl, props.hostPort ?? SERVICE_PORTS.prometheus)}`,
      ],
      ports: [{ internal: SERVICE_PORTS.prometheus, external: props.hostPort }],
      mounts: [{ volume: platform.volume(this, 'Data', 'prometheus-data'), containerPath: '/prometheus' }],
      configFiles: [{ path: `${CONFIG_DIR}/prometheus.yml`, content: config }],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.prometheus}/-/ready`),
    });
  }

  addScrapeTarget(job: ScrapeJob): void {
    if (this.scrapeJobs.some((j) => j.job === job.job)) {
      invalid(this, 'scrape job', job.job, 'That job name is already declared; give each scrape target its own job name.');
    }
    this.scrapeJobs.push(job);
  }

  /** Adds a rule file; `render` runs at synth, so rules added later still reach it. */
  addRuleFile(name: string, render: () => string): void {
    if (!/^[a-z0-9-]+\.yml$/.test(name)) {
      invalid(this, 'rule file name', name, 'Use lowercase letters, digits and dashes ending in .yml.');
    }
    this.ruleFiles.push(name);
    this.service.addConfigFile({ path: `${CONFIG_DIR}/rules/${name}`, content: render });
  }

  addAlertmanager(hostPort: string): void {
    this.alertmanagers.push(hostPort);
  }

  get url(): string {
    return this.service.url(SERVICE_PORTS.prometheus);
  }
}
