import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { bashHttpProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { renderAlloy } from './alloy-syntax';
import { logShippingConfig } from './shipping';

export interface AlloyProps {
  readonly platform: Platform;
  readonly lokiPushUrl: string;
  /** Airflow's task-log volume, read-only. @default - container logs only */
  readonly airflowLogs?: Volume;
  /** @default '/var/run/docker.sock' */
  readonly dockerSocket?: string;
}

const CONFIG_FILE = '/etc/alloy/config.alloy';
const AIRFLOW_LOGS_DIR = '/var/log/airflow';

/** Grafana Alloy shipping this environment's container logs and Airflow task logs to Loki. */
export class Alloy extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: AlloyProps) {
    super(scope, id);
    const socket = props.dockerSocket ?? '/var/run/docker.sock';
    const config = renderAlloy(
      logShippingConfig({
        environment: props.platform.environment,
        lokiPushUrl: props.lokiPushUrl,
        dockerHost: `unix://${socket}`,
        airflowLogsDir: props.airflowLogs ? AIRFLOW_LOGS_DIR : undefined,
      }),
    );
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.alloy,
      image: 'alloy',
      command: ['run', `--server.http.listen-addr=0.0.0.0:${SERVICE_PORTS.alloy}`, '--storage.path=/var/lib/alloy/data', CONFIG_FILE],
      mounts: [
        { hostPath: socket, containerPath: socket, readOnly: true },
        ...(props.airflowLogs ? [{ volume: props.airflowLogs, containerPath: AIRFLOW_LOGS_DIR, readOnly: true }] : []),
        { volume: props.platform.volume(this, 'Data', 'alloy-data'), containerPath: '/var/lib/alloy/data' },
      ],
      configFiles: [{ path: CONFIG_FILE, content: config }],
      healthcheck: bashHttpProbe(SERVICE_PORTS.alloy, '/-/ready'),
    });
  }
}
