import { Construct } from 'constructs';
import { invalid } from '../../content/validation';
import { healthcheck } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface MlflowProps {
  readonly platform: Platform;
  /** Host port of the UI and REST API. @default 5000 */
  readonly hostPort?: number;
  /** Server worker processes. @default 1 */
  readonly workers?: number;
}

export const MLFLOW = { service: 'mlflow', port: 5000 } as const;
const DATA_DIR = '/mlflow';

/**
 * An MLflow tracking server (official image) with its run store (SQLite) and
 * artifacts on a volume, serving Prometheus metrics on /metrics
 * (`--expose-prometheus`). Its UI and API are published on the stack's publish
 * address (127.0.0.1 by default); requests are accepted for the stack-network
 * name Prometheus scrapes and for loopback only (MLflow's host check).
 */
export class Mlflow extends Construct {
  readonly service: ServiceContainer;
  readonly target = `${MLFLOW.service}:${MLFLOW.port}`;

  constructor(scope: Construct, id: string, props: MlflowProps) {
    super(scope, id);
    const workers = props.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 16) invalid(this, 'run.mlflow.workers', workers, 'Use a whole number of worker processes from 1 to 16, e.g. 1.');
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: MLFLOW.service,
      image: 'mlflow',
      command: [
        'mlflow', 'server',
        '--host', '0.0.0.0',
        '--port', String(MLFLOW.port),
        '--workers', String(workers),
        '--backend-store-uri', `sqlite:///${DATA_DIR}/mlflow.db`,
        '--default-artifact-root', `${DATA_DIR}/artifacts`,
        '--expose-prometheus', `${DATA_DIR}/prometheus`,
        '--allowed-hosts', `${MLFLOW.service}:${MLFLOW.port},localhost:*,127.0.0.1:*`,
      ],
      mounts: [{ volume: props.platform.volume(this, 'Data', 'mlflow-data'), containerPath: DATA_DIR }],
      ports: [{ internal: MLFLOW.port, external: props.hostPort }],
      healthcheck: healthcheck(['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${MLFLOW.port}/health', timeout=4)`], { startPeriodSeconds: 60 }),
    });
  }
}
