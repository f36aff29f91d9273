import { Construct } from 'constructs';
import { toYaml } from '../../content/yaml';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { StatsdMappingRule, statsdMapping } from '../../content/metrics/statsd-mapping';

export interface StatsdExporterProps {
  readonly platform: Platform;
  /** Mapping rules added after the catalog's own (e.g. for custom DAG metrics). @default [] */
  readonly extraMappings?: readonly StatsdMappingRule[];
  /** Publish the StatsD UDP port on the host, for an Airflow running outside the stack. @default - not published */
  readonly statsdHostPort?: number;
}

const MAPPING_FILE = '/etc/statsd-exporter/mapping.yml';

/** Receives Airflow's StatsD traffic and exposes it to Prometheus under the mapped names. */
export class StatsdExporter extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: StatsdExporterProps) {
    super(scope, id);
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.statsdExporter,
      image: 'statsdExporter',
      command: [
        `--statsd.mapping-config=${MAPPING_FILE}`,
        `--statsd.listen-udp=:${SERVICE_PORTS.statsdIngest}`,
        `--statsd.listen-tcp=:${SERVICE_PORTS.statsdIngest}`,
        `--web.listen-address=:${SERVICE_PORTS.statsdExporter}`,
      ],
      ports: props.statsdHostPort ? [{ internal: SERVICE_PORTS.statsdIngest, external: props.statsdHostPort, protocol: 'udp' }] : [],
      configFiles: [{ path: MAPPING_FILE, content: toYaml(statsdMapping(props.extraMappings)) }],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.statsdExporter}/metrics`),
    });
  }

  /** Host Airflow sends StatsD to. */
  get statsdHost(): string {
    return this.service.hostname;
  }
}
