import { Construct } from 'constructs';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { LocalImage, localBuild, nodeHealthz, rebuildOnSourceChange } from '../core/local-image';
import { Platform } from '../core/platform';
import { SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { DatabaseLogin } from '../postgres/postgres';

export interface AirflowExporterProps {
  readonly platform: Platform;
  /** A read-only login on Airflow's metadata database (Postgres.addReader). */
  readonly login: DatabaseLogin;
}

/** Built from airflow-exporter/ and service-kit/, the plumbing it shares with the simulator. */
const EXPORTER_IMAGE: LocalImage = {
  key: 'airflowExporter',
  dockerfile: 'airflow-exporter/Dockerfile',
  sources: ['airflow-exporter', 'service-kit', 'package.json', 'package-lock.json', 'tsconfig.json'],
};
const PASSWORD_FILE = 'airflow_exporter_password';

/**
 * Durable run state for the alerts: last success by data interval, last run
 * failed, finished-run counts, running tasks, read from Airflow's metadata
 * database at every scrape (docs/airflow-exporter.md), so neither a restart
 * nor a scrape gap changes what the alerts see.
 */
export class AirflowExporter extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: AirflowExporterProps) {
    super(scope, id);
    const { platform, login } = props;
    const build = localBuild(platform, EXPORTER_IMAGE);
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: SERVICE_NAMES.airflowExporter,
      image: 'airflowExporter',
      build,
      env: {
        PORT: String(SERVICE_PORTS.airflowExporter),
        PGHOST: login.host,
        PGPORT: String(login.port),
        PGDATABASE: login.database,
        PGUSER: login.user,
        PGPASSWORD_FILE: `${SECRETS_DIR}/${PASSWORD_FILE}`,
        PGSSLMODE: 'disable',
      },
      secretFiles: [login.password.asFile(PASSWORD_FILE)],
      dependsOn: [login.provisionedBy],
      healthcheck: nodeHealthz(SERVICE_PORTS.airflowExporter),
    });
    if (build) rebuildOnSourceChange(this.service, EXPORTER_IMAGE);
  }
}
