import { Construct } from 'constructs';
import { SERVICE_PORTS } from '../../content/endpoints';
import { commandProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { GeneratedSecret, SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { DNS_LABEL, invalid } from '../../content/validation';

export interface PostgresProps {
  readonly platform: Platform;
  /** Host port for psql and SQL tools; unset keeps PostgreSQL private to the network. @default - not published */
  readonly hostPort?: number;
}

/** A login role with a generated password, as clients of one database see it. */
export interface DatabaseLogin {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: GeneratedSecret;
  /** The job that creates the role and its database: clients start after it. */
  readonly provisionedBy: ServiceContainer;
}

interface Role {
  readonly name: string;
  readonly password: GeneratedSecret;
  /** psql statements; the password is the psql variable `:'<name>_password'`. */
  readonly sql: string[];
}

const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SETUP_SCRIPT = '/etc/pipewatch/postgres-setup.sh';

/**
 * PostgreSQL for Airflow's metadata and the simulator's run history. Each
 * database gets its own owner role. A setup job creates missing roles and
 * databases and sets every role's password on each deploy that changes them,
 * so roles added to an environment that already has data are created too.
 */
export class Postgres extends Construct {
  readonly service: ServiceContainer;
  /** Runs the setup script against the server, after it is healthy. */
  readonly setup: ServiceContainer;
  private readonly superuser: GeneratedSecret;
  private readonly roles: Role[] = [];

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { platform } = props;
    this.superuser = new GeneratedSecret(this, 'SuperuserPassword');
    const superuserFile = this.superuser.asFile('postgres_password');
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: 'postgres',
      image: 'postgres',
      env: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD_FILE: `${SECRETS_DIR}/postgres_password` },
      ports: props.hostPort ? [{ internal: SERVICE_PORTS.postgres, external: props.hostPort }] : [],
      mounts: [{ volume: platform.volume(this, 'Data', 'postgres-data'), containerPath: '/var/lib/postgresql/data' }],
      secretFiles: [superuserFile],
      healthcheck: commandProbe('pg_isready -U postgres -h 127.0.0.1'),
    });
    this.setup = new ServiceContainer(this, 'Setup', {
      platform,
      service: 'postgres-setup',
      image: 'postgres',
      entrypoint: ['bash', SETUP_SCRIPT],
      env: { PGHOST: this.service.hostname, PGPORT: String(SERVICE_PORTS.postgres) },
      configFiles: [{ path: SETUP_SCRIPT, content: () => this.setupScript() }],
      secretFiles: [superuserFile],
      oneShot: true,
      dependsOn: [this.service],
    });
  }

  /** A database owned by a new login role of the same name. */
  addDatabase(name: string): DatabaseLogin {
    this.requireSqlName('database', name);
    const password = this.addRole(name, [
      ...ensureLoginRole(name),
      `SELECT 'CREATE DATABASE ${name} OWNER ${name}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${name}')\\gexec`,
    ]);
    return this.login(name, name, password);
  }

  /** A role that can read every table the owner of `database` creates, now or later (for Grafana). */
  addReader(name: string, database: string): DatabaseLogin {
    this.requireSqlName('reader', name);
    const password = this.addRole(name, [
      ...ensureLoginRole(name),
      `GRANT CONNECT ON DATABASE ${database} TO ${name};`,
      `\\connect ${database}`,
      `GRANT USAGE ON SCHEMA public TO ${name};`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${name};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${database} IN SCHEMA public GRANT SELECT ON TABLES TO ${name};`,
      `\\connect postgres`,
    ]);
    return this.login(name, database, password);
  }

  /** A role with pg_monitor, for postgres_exporter. */
  addMonitor(name: string): DatabaseLogin {
    this.requireSqlName('monitor', name);
    const password = this.addRole(name, [...ensureLoginRole(name), `GRANT pg_monitor TO ${name};`]);
    return this.login(name, 'postgres', password);
  }

  private addRole(name: string, sql: string[]): GeneratedSecret {
    if (this.roles.some((r) => r.name === name)) invalid(this, 'role', name, 'Each database, reader and monitor needs its own name.');
    const password = new GeneratedSecret(this, `${name}-password`);
    this.roles.push({ name, password, sql });
    this.setup.addSecretFile(password.asFile(`${name}_password`));
    return password;
  }

  private login(user: string, database: string, password: GeneratedSecret): DatabaseLogin {
    return { host: this.service.hostname, port: SERVICE_PORTS.postgres, database, user, password, provisionedBy: this.setup };
  }

  private requireSqlName(what: string, name: string): void {
    if (!SQL_NAME.test(name) || !DNS_LABEL.test(name.replace(/_/g, '-'))) {
      invalid(this, what, name, 'Use lowercase letters, digits and underscores, starting with a letter (e.g. "airflow").');
    }
  }

  /**
   * Idempotent: creates what is missing and sets every password, on every run.
   * psql reads each password from its secret file (its \set with backticks), so no
   * password is written into the script or passed on a command line.
   */
  private setupScript(): string {
    return [
      '#!/bin/bash',
      'set -euo pipefail',
      'export PGUSER=postgres PGDATABASE=postgres',
      `PGPASSWORD="$(cat ${SECRETS_DIR}/postgres_password)"`,
      'export PGPASSWORD',
      '# The server is healthy before this job starts; a restart in between gets a minute.',
      'for _ in $(seq 60); do pg_isready --quiet && break; sleep 1; done',
      "psql -v ON_ERROR_STOP=1 --quiet <<'SQL'",
      ...this.roles.flatMap((r) => [`\\set ${r.name}_password \`cat ${SECRETS_DIR}/${r.name}_password\``, ...r.sql]),
      'SQL',
      '',
    ].join('\n');
  }
}

/** The role exists, may log in, and has the current password. */
function ensureLoginRole(name: string): string[] {
  return [
    `SELECT 'CREATE ROLE ${name} LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}')\\gexec`,
    `ALTER ROLE ${name} LOGIN PASSWORD :'${name}_password';`,
  ];
}
