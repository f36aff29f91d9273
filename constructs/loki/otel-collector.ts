import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { collectorArgs, renderCollectorConfig } from '../../content/logs/collector-config';
import { toYaml } from '../../content/yaml';
import { TracesTarget } from '../airflow/settings';
import { healthcheck } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface LogShipperProps {
  readonly platform: Platform;
  /** Loki's OTLP endpoint, e.g. http://loki:3100/otlp. */
  readonly lokiOtlpEndpoint: string;
  /** Airflow's task-log volume, read-only. @default - container logs only */
  readonly airflowLogs?: Volume;
  /** Docker's data root on the Docker host, where json-file logs live under containers/. @default '/var/lib/docker' */
  readonly dockerDataRoot?: string;
  /** Jaeger's OTLP/HTTP base URL: receive OTLP traces on the stack network and send them there. @default - no traces pipeline */
  readonly jaegerOtlpEndpoint?: string;
}

/** The collector's OTLP/HTTP receiver on the stack network, where Airflow sends its traces when the traces pipeline is on. */
export const COLLECTOR_TRACES_TARGET: TracesTarget = { host: SERVICE_NAMES.otelCollector, port: SERVICE_PORTS.otlpHttp };

const CONFIG_FILE = '/etc/otelcol-contrib/config.yaml';
const BINARY = '/otelcol-contrib';
const CONTAINERS_DIR = '/var/lib/docker/containers';
const AIRFLOW_LOGS_DIR = '/var/log/airflow';
const STORAGE_DIR = '/var/lib/otelcol/file_storage';

/**
 * The OpenTelemetry Collector (contrib image) shipping this environment's container logs and
 * Airflow task logs to Loki over OTLP, with its checkpoints and export queue on a volume;
 * with traces on, it also passes Airflow's OTLP traces on to Jaeger.
 */
export class LogShipper extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: LogShipperProps) {
    super(scope, id);
    const config = renderCollectorConfig({
      environment: props.platform.environment,
      dockerContainersDir: CONTAINERS_DIR,
      airflowLogsDir: props.airflowLogs ? AIRFLOW_LOGS_DIR : undefined,
      lokiOtlpEndpoint: props.lokiOtlpEndpoint,
      storageDir: STORAGE_DIR,
      healthEndpoint: `0.0.0.0:${SERVICE_PORTS.otelCollectorHealth}`,
      metrics: { host: '0.0.0.0', port: SERVICE_PORTS.otelCollector },
      traces: props.jaegerOtlpEndpoint ? { otlpHttpEndpoint: `0.0.0.0:${COLLECTOR_TRACES_TARGET.port}`, jaegerOtlpEndpoint: props.jaegerOtlpEndpoint } : undefined,
    });
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.otelCollector,
      image: 'otelCollector',
      command: collectorArgs(CONFIG_FILE),
      // Docker's json-file logs are readable by root only.
      user: '0',
      mounts: [
        { hostPath: `${props.dockerDataRoot ?? '/var/lib/docker'}/containers`, containerPath: CONTAINERS_DIR, readOnly: true },
        ...(props.airflowLogs ? [{ volume: props.airflowLogs, containerPath: AIRFLOW_LOGS_DIR, readOnly: true }] : []),
        { volume: props.platform.volume(this, 'Data', 'otel-collector-data'), containerPath: STORAGE_DIR },
      ],
      configFiles: [{ path: CONFIG_FILE, content: toYaml(config) }],
      // The image has no shell, curl or wget: the collector binary loads its health endpoint as a config
      // (HEALTH_PROBE_BODY), which fails unless the endpoint answers 200.
      healthcheck: healthcheck(['CMD', BINARY, 'validate', `--config=http://127.0.0.1:${SERVICE_PORTS.otelCollectorHealth}/`]),
    });
  }
}
