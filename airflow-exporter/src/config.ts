import { readFileSync } from 'fs';
import { ConfigError, Env, integer, logLevel, ReadFile, seconds } from '../../service-kit/env';
import { LogLevel } from '../../service-kit/log';
import { forbidPasswordVariable, PostgresConnection, postgresConnection } from '../../service-kit/postgres';

export { ConfigError };

export interface DatabaseSettings extends PostgresConnection {
  /** From PGSSLMODE: false (disable), true (require, verifying the certificate) or TLS without verification. */
  readonly ssl: boolean | { readonly rejectUnauthorized: false };
}

const SSL_MODES: Readonly<Record<string, DatabaseSettings['ssl']>> = {
  disable: false,
  require: true,
  'verify-full': true,
  'no-verify': { rejectUnauthorized: false },
};

export interface Config {
  readonly bindAddress: string;
  readonly port: number;
  readonly database: DatabaseSettings;
  /** Server-side statement timeout and connect timeout for one collection. */
  readonly queryTimeoutMs: number;
  /** How long one collection answers every scrape and probe, so parallel scrapes cost one query. */
  readonly cacheMs: number;
  readonly logLevel: LogLevel;
}

/** Reads and validates the exporter's settings; throws ConfigError on the first bad one. */
export function loadConfig(env: Env, readFile: ReadFile = (p) => readFileSync(p, 'utf8')): Config {
  return {
    bindAddress: env.BIND_ADDRESS?.trim() || '0.0.0.0',
    port: integer(env, 'PORT', 9112, 0, 65535, 'use a TCP port between 1 and 65535 (0 picks a free one)'),
    database: database(env, readFile),
    queryTimeoutMs: seconds(env, 'QUERY_TIMEOUT_SECONDS', 5, 0.1, 300, 'use the seconds one collection may take, 0.1 to 300, shorter than the Prometheus scrape timeout'),
    cacheMs: seconds(env, 'CACHE_SECONDS', 2, 0, 60, 'use the seconds a collection answers repeated scrapes, 0 to 60'),
    logLevel: logLevel(env),
  };
}

function database(env: Env, readFile: ReadFile): DatabaseSettings {
  forbidPasswordVariable(env);
  const host = env.PGHOST?.trim();
  if (!host) throw new ConfigError('PGHOST', env.PGHOST, "set PGHOST to the host name of Airflow's metadata database (PostgreSQL)");
  return {
    ...postgresConnection(env, host, { user: 'pipewatch_exporter', database: 'airflow' }, readFile),
    ssl: sslMode(env),
  };
}

/** Validated here because node-postgres would read an unknown PGSSLMODE silently as "no TLS". */
function sslMode(env: Env): DatabaseSettings['ssl'] {
  const raw = env.PGSSLMODE?.trim();
  if (!raw) return false;
  if (!(raw in SSL_MODES)) {
    throw new ConfigError('PGSSLMODE', env.PGSSLMODE, `use one of ${Object.keys(SSL_MODES).join(', ')} (require and verify-full verify the server certificate; no-verify encrypts without verifying)`);
  }
  return SSL_MODES[raw];
}
