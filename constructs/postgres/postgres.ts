import { Construct } from 'constructs';
import { lazyText } from '../core/config-files';
import { SERVICE_PORTS } from '../core/endpoints';
import { commandProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { GeneratedSecret, SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { DNS_LABEL, invalid } from '../core/validation';

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
}

interface Role {
  readonly name: string;
  readonly password: GeneratedSecret;
  readonly sql: (passwordVar: string) => string[];
}

const SQL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL for Airflow's metadata and the simulator's run history. Each
 * database gets its own owner role; roles and databases are created by an
 * init script on the first start of an empty data volume.
 */
export class Postgres extends Construct {
  readonly service: ServiceContainer;
  private readonly superuser: GeneratedSecret;
  private readonly roles: Role[] = [];

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { platform } = props;
    this.superuser = new GeneratedSecret(this, 'SuperuserPassword');
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: 'postgres',
      image: 'postgres',
      env: { POSTGRES_USER: 'postgres', POSTGRES_PASSWORD_FILE: `${SECRETS_DIR}/postgres_password` },
      ports: props.hostPort ? [{ internal: SERVICE_PORTS.postgres, external: props.hostPort }] : [],
      mounts: [{ volume: platform.volume(this, 'Data', 'postgres-data'), containerPath: '/var/lib/postgresql/data' }],
      secretFiles: [this.superuser.asFile('postgres_password')],
      configFiles: [{ path: '/docker-entrypoint-initdb.d/10-pipewatch.sh', content: lazyText(() => this.initScript()) }],
      healthcheck: commandProbe('pg_isready -U postgres -h 127.0.0.1'),
    });
  }

  /** A database owned by a new login role of the same name. */
  addDatabase(name: string): DatabaseLogin {
    this.requireSqlName('database', name);
    const password = this.addRole(name, (pw) => [
      `CREATE ROLE ${name} LOGIN PASSWORD '${pw}';`,
      `CREATE DATABASE ${name} OWNER ${name};`,
    ]);
    return this.login(name, name, password);
  }

  /** A role that can read every table the owner of `database` creates, now or later (for Grafana). */
  addReader(name: string, database: string): DatabaseLogin {
    this.requireSqlName('reader', name);
    const password = this.addRole(name, (pw) => [
      `CREATE ROLE ${name} LOGIN PASSWORD '${pw}';`,
      `GRANT CONNECT ON DATABASE ${database} TO ${name};`,
      `\\connect ${database}`,
      `GRANT USAGE ON SCHEMA public TO ${name};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${database} IN SCHEMA public GRANT SELECT ON TABLES TO ${name};`,
      `\\connect postgres`,
    ]);
    return this.login(name, database, password);
  }

  /** A role with pg_monitor, for postgres_exporter. */
  addMonitor(name: string): DatabaseLogin {
    this.requireSqlName('monitor', name);
    const password = this.addRole(name, (pw) => [`CREATE ROLE ${name} LOGIN PASSWORD '${pw}' IN ROLE pg_monitor;`]);
    return this.login(name, 'postgres', password);
  }

  private addRole(name: string, sql: (passwordVar: string) => string[]): GeneratedSecret {
    if (this.roles.some((r) => r.name === name)) invalid(this, 'role', name, 'Each database, reader and monitor needs its own name.');
    const password = new GeneratedSecret(this, `${name}-password`);
    this.roles.push({ name, password, sql });
    this.service.addSecretFile(password.asFile(`${name}_password`));
    return password;
  }

  private login(user: string, database: string, password: GeneratedSecret): DatabaseLogin {
    return { host: this.service.hostname, port: SERVICE_PORTS.postgres, database, user, password };
  }

  private requireSqlName(what: string, name: string): void {
    if (!SQL_NAME.test(name) || !DNS_LABEL.test(name.replace(/_/g, '-'))) {
      invalid(this, what, name, 'Use lowercase letters, digits and underscores, starting with a letter (e.g. "airflow").');
    }
  }

  /** Reads each password from its secret file, so no password is ever written into the script itself. */
  private initScript(): string {
    const lines = ['#!/bin/bash', 'set -euo pipefail', ''];
    for (const r of this.roles) lines.push(`${passwordVar(r.name)}="$(cat ${SECRETS_DIR}/${r.name}_password)"`);
    lines.push('', 'psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres <<SQL');
    for (const r of this.roles) lines.push(...r.sql(`\${${passwordVar(r.name)}}`));
    lines.push('SQL', '');
    return lines.join('\n');
  }
}

function passwordVar(role: string): string {
  return `${role.toUpperCase()}_PASSWORD`;
}
