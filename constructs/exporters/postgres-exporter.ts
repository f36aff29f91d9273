import { Construct } from 'constructs';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { replicationQueriesFile } from '../../content/warehouse/replication';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { DatabaseLogin } from '../postgres/postgres';

export interface PostgresExporterProps {
  readonly platform: Platform;
  /** A pg_monitor login (Postgres.addMonitor). */
  readonly login: DatabaseLogin;
}

/** pipewatch's own queries (replication lag), beside the exporter's built-in ones. */
export const POSTGRES_EXPORTER_QUERIES_FILE = '/etc/postgres_exporter/pipewatch-queries.yaml';

/** postgres_exporter: pg_up, connections, database stats, and replication lag from pipewatch's queries file. */
export class PostgresExporter extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: PostgresExporterProps) {
    super(scope, id);
    const { login } = props;
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.postgresExporter,
      image: 'postgresExporter',
      env: {
        DATA_SOURCE_URI: `${login.host}:${login.port}/${login.database}?sslmode=disable`,
        DATA_SOURCE_USER: login.user,
        DATA_SOURCE_PASS_FILE: `${SECRETS_DIR}/postgres_exporter_password`,
        // --extend.query-path, deprecated but read from 0.11 to the current releases.
        PG_EXPORTER_EXTEND_QUERY_PATH: POSTGRES_EXPORTER_QUERIES_FILE,
      },
      configFiles: [{ path: POSTGRES_EXPORTER_QUERIES_FILE, content: replicationQueriesFile() }],
      secretFiles: [login.password.asFile('postgres_exporter_password')],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.postgresExporter}/metrics`),
      dependsOn: [login.provisionedBy],
    });
  }
}
