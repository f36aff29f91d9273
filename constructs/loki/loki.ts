import { Construct } from 'constructs';
import { toYaml } from '../../content/yaml';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { requirePositive } from '../../content/validation';
import { renderLokiConfig } from './loki-config';

export interface LokiProps {
  readonly platform: Platform;
  /** @default 7 */
  readonly retentionDays?: number;
  /** Host port of the API. @default - not published (Grafana reaches it on the network) */
  readonly hostPort?: number;
}

const CONFIG_FILE = '/etc/loki/pipewatch.yml';

/** Loki for container and Airflow task logs, data on a named volume. */
export class Loki extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: LokiProps) {
    super(scope, id);
    const retentionDays = requirePositive(this, 'retentionDays', props.retentionDays ?? 7);
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.loki,
      image: 'loki',
      command: [`-config.file=${CONFIG_FILE}`],
      ports: props.hostPort ? [{ internal: SERVICE_PORTS.loki, external: props.hostPort }] : [],
      mounts: [{ volume: props.platform.volume(this, 'Data', 'loki-data'), containerPath: '/loki' }],
      configFiles: [{ path: CONFIG_FILE, content: toYaml(renderLokiConfig({ retentionDays, dataDir: '/loki' })) }],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.loki}/ready`, { startPeriodSeconds: 60 }),
    });
  }

  /** Loki's native OTLP endpoint; otlphttp appends /v1/logs. */
  get otlpEndpoint(): string {
    return this.service.url(SERVICE_PORTS.loki, '/otlp');
  }

  get url(): string {
    return this.service.url(SERVICE_PORTS.loki);
  }
}
