import { Construct } from 'constructs';
import { SERVICE_PORTS } from '../../content/endpoints';
import { JAEGER_HEALTH_PATH, renderJaegerConfig } from '../../content/traces/jaeger-config';
import { toYaml } from '../../content/yaml';
import { invalid } from '../../content/validation';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface JaegerProps {
  readonly platform: Platform;
  /** Host port of the query UI and API. @default 16686 */
  readonly hostPort?: number;
  /** Traces kept in memory; the oldest go first. @default 50000 */
  readonly maxTraces?: number;
}

/** Network alias of the Jaeger container. */
export const JAEGER_SERVICE = 'jaeger';
const CONFIG_FILE = '/etc/jaeger/config.yaml';

/**
 * Jaeger v2 (official image) storing traces in memory: OTLP/HTTP in on the stack network,
 * the query UI and API published on the stack's publish address (127.0.0.1 by default).
 */
export class Jaeger extends Construct {
  readonly service: ServiceContainer;
  /** OTLP/HTTP base URL on the stack network, for the collector's exporter. */
  readonly otlpEndpoint = `http://${JAEGER_SERVICE}:${SERVICE_PORTS.otlpHttp}`;
  /** Query API on the stack network, for Grafana's datasource. */
  readonly queryUrl = `http://${JAEGER_SERVICE}:${SERVICE_PORTS.jaegerQuery}`;

  constructor(scope: Construct, id: string, props: JaegerProps) {
    super(scope, id);
    const maxTraces = props.maxTraces ?? 50_000;
    if (!Number.isInteger(maxTraces) || maxTraces < 1) invalid(this, 'traces.maxTraces', maxTraces, 'Use a whole number of traces of at least 1, e.g. 50000.');
    const any = (port: number) => `0.0.0.0:${port}`;
    const config = renderJaegerConfig({
      otlpHttpEndpoint: any(SERVICE_PORTS.otlpHttp),
      queryHttpEndpoint: any(SERVICE_PORTS.jaegerQuery),
      queryGrpcEndpoint: any(SERVICE_PORTS.jaegerQueryGrpc),
      healthEndpoint: any(SERVICE_PORTS.jaegerHealth),
      maxTraces,
    });
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: JAEGER_SERVICE,
      image: 'jaeger',
      command: [`--config=${CONFIG_FILE}`],
      configFiles: [{ path: CONFIG_FILE, content: toYaml(config) }],
      // Only the UI and API leave the stack network; OTLP stays inside it.
      ports: [{ internal: SERVICE_PORTS.jaegerQuery, external: props.hostPort }],
      // The image is Alpine-based (jaeger's docker/base): busybox wget probes healthcheckv2.
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.jaegerHealth}${JAEGER_HEALTH_PATH}`),
    });
  }
}
