import { ContainerHealthcheck } from '@cdktf/provider-docker/lib/container';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Bytes } from '@cdktf/provider-random/lib/bytes';
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { Construct } from 'constructs';
import { ConfigFile } from '../core/config-files';
import { SERVICE_PORTS } from '../../content/endpoints';
import { HealthTiming, commandProbe, curlProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { GeneratedSecret, SECRETS_DIR } from '../core/secrets';
import { Mount, PublishedPort, ServiceContainer } from '../core/service-container';
import { DatabaseLogin } from '../postgres/postgres';
import { Redis } from '../redis/redis';
import { airflowEnv, secretFiles, TracesTarget } from './settings';

/** How DAG files reach the containers. */
export type DagsSource =
  /** Bind-mount a directory of the Docker host: edits show up without a deploy (local engine only). */
  | { readonly hostPath: string }
  /** Upload the files of a local directory: works on remote Docker hosts; a change replaces the containers. */
  | { readonly uploadFrom: string };

export interface AirflowProps {
  readonly platform: Platform;
  readonly metadataDb: DatabaseLogin;
  readonly redis: Redis;
  /** Host that receives Airflow's StatsD metrics (the statsd-exporter). */
  readonly statsdHost: string;
  /** @default - bind-mount the repository's airflow/dags */
  readonly dags?: DagsSource;
  /** @default false: the example DAGs start running as soon as they are parsed */
  readonly pauseDagsAtCreation?: boolean;
  /** Host port of the UI and REST API. @default 8080 */
  readonly hostPort?: number;
  /** OTLP/HTTP receiver of Airflow's traces (`[traces]` settings). @default - traces off */
  readonly traces?: TracesTarget;
}

const REPO_DAGS = resolve(__dirname, '../../airflow/dags');
const DAGS_DIR = '/opt/airflow/dags';
const LOGS_DIR = '/opt/airflow/logs';
/** Where the example DAGs keep their lake and warehouse files ($AIRFLOW_HOME/data). */
const DATA_DIR = '/opt/airflow/data';
const SLOW_START: HealthTiming = { intervalSeconds: 30, timeoutSeconds: 20, retries: 5, startPeriodSeconds: 60 };

/**
 * Airflow 3 with the CeleryExecutor: a one-shot init job (migrations, admin
 * user), api-server, scheduler, dag-processor, triggerer and a Celery worker,
 * sharing one task-log volume that the log shipper reads.
 */
export class Airflow extends Construct {
  readonly init: ServiceContainer;
  readonly apiServer: ServiceContainer;
  readonly scheduler: ServiceContainer;
  readonly dagProcessor: ServiceContainer;
  readonly triggerer: ServiceContainer;
  readonly worker: ServiceContainer;
  /** Task logs, shared with the log shipper. */
  readonly logs: Volume;
  readonly adminPassword: GeneratedSecret;

  constructor(scope: Construct, id: string, props: AirflowProps) {
    super(scope, id);
    const { platform, metadataDb: db } = props;
    this.logs = platform.volume(this, 'Logs', 'airflow-logs');
    this.adminPassword = new GeneratedSecret(this, 'AdminPassword');
    const fernetKey = new Bytes(this, 'FernetKey', { length: 32 });
    const apiSecretKey = new GeneratedSecret(this, 'ApiSecretKey', { length: 48 });
    const jwtSecret = new GeneratedSecret(this, 'JwtSecret', { length: 48 });

    const dbUrl = `${db.user}:${db.password.value}@${db.host}:${db.port}/${db.database}`;
    const secrets = secretFiles({
      sqlAlchemyConn: `postgresql+psycopg2://${dbUrl}`,
      celeryResultBackend: `db+postgresql://${dbUrl}`,
      celeryBrokerUrl: props.redis.brokerUrl(),
      fernetKey: fernetKey.base64,
      apiSecretKey: apiSecretKey.value,
      jwtSecret: jwtSecret.value,
    });
    const env = airflowEnv({
      statsdHost: props.statsdHost,
      statsdPort: SERVICE_PORTS.statsdIngest,
      apiServerUrl: `http://airflow-api-server:${SERVICE_PORTS.airflowApi}`,
      pauseDagsAtCreation: props.pauseDagsAtCreation ?? false,
      traces: props.traces,
    });
    const dags = props.dags ?? { hostPath: REPO_DAGS };
    const logsMount: Mount = { volume: this.logs, containerPath: LOGS_DIR };
    const dagMounts: Mount[] = 'hostPath' in dags ? [{ hostPath: dags.hostPath, containerPath: DAGS_DIR, readOnly: true }] : [];
    const dagFiles: ConfigFile[] = 'uploadFrom' in dags ? dagUploads(dags.uploadFrom) : [];

    const component = (
      name: string,
      command: string[],
      health: ContainerHealthcheck,
      extra: { ports?: PublishedPort[]; dependsOn?: ServiceContainer[]; mounts?: Mount[] } = {},
    ) =>
      new ServiceContainer(this, name, {
        platform,
        service: `airflow-${name}`,
        image: 'airflow',
        command,
        env,
        mounts: [logsMount, ...dagMounts, ...(extra.mounts ?? [])],
        configFiles: dagFiles,
        secretFiles: secrets,
        healthcheck: health,
        ports: extra.ports,
        dependsOn: extra.dependsOn ?? [this.init],
      });

    this.init = new ServiceContainer(this, 'init', {
      platform,
      service: 'airflow-init',
      image: 'airflow',
      command: [
        'bash',
        '-c',
        `airflow db migrate && airflow users create --username admin --firstname Pipewatch --lastname Admin --role Admin --email admin@localhost --password "$(cat ${SECRETS_DIR}/airflow_admin_password)" || airflow users list | grep -q admin`,
      ],
      env,
      mounts: [logsMount],
      secretFiles: [...secrets, this.adminPassword.asFile('airflow_admin_password')],
      oneShot: true,
      dependsOn: [db.provisionedBy],
    });
    this.apiServer = component('api-server', ['api-server'], curlProbe(`http://127.0.0.1:${SERVICE_PORTS.airflowApi}/api/v2/monitor/health`, SLOW_START), {
      ports: [{ internal: SERVICE_PORTS.airflowApi, external: props.hostPort }],
    });
    this.scheduler = component('scheduler', ['scheduler'], curlProbe('http://127.0.0.1:8974/health', SLOW_START));
    this.dagProcessor = component('dag-processor', ['dag-processor'], commandProbe('airflow jobs check --job-type DagProcessorJob --local', SLOW_START));
    this.triggerer = component('triggerer', ['triggerer'], commandProbe('airflow jobs check --job-type TriggererJob --local', SLOW_START));
    this.worker = component(
      'worker',
      ['celery', 'worker'],
      commandProbe('celery --app airflow.providers.celery.executors.celery_executor.app inspect ping -d "celery@$HOSTNAME"', SLOW_START),
      // Tasks run here: their data outlives container replacement on the data volume.
      { dependsOn: [this.init, this.apiServer], mounts: [{ volume: platform.volume(this, 'Data', 'airflow-data'), containerPath: DATA_DIR }] },
    );
  }
}

/** Every file of the DAG directory (Python modules and their data), uploaded under /opt/airflow/dags. */
function dagUploads(dir: string): ConfigFile[] {
  const files: ConfigFile[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === '__pycache__') continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files.push({ path: `${DAGS_DIR}/${path}`, content: readFileSync(join(dir, path), 'utf8') });
    }
  };
  walk('');
  return files;
}
