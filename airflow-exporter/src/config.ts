import { readFileSync } from 'fs';
import { LOG_LEVELS, LogLevel } from './log';

export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Read from PGPASSWORD_FILE; absent when the server trusts the connection. */
  readonly password?: string;
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

/** A bad environment variable: the message names it, the value received and the fix. */
export class ConfigError extends Error {
  constructor(variable: string, value: string | undefined, fix: string) {
    super(`invalid ${variable}=${JSON.stringify(value ?? '')}: ${fix}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates the exporter's settings; throws ConfigError on the first bad one. */
export function loadConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Config {
  return {
    bindAddress: env.BIND_ADDRESS?.trim() || '0.0.0.0',
    port: integer(env, 'PORT', 9112, 0, 65535, 'use a TCP port between 1 and 65535 (0 picks a free one)'),
    database: database(env, readFile),
    queryTimeoutMs: seconds(env, 'QUERY_TIMEOUT_SECONDS', 5, 0.1, 300, 'use the seconds one collection may take, 0.1 to 300, shorter than the Prometheus scrape timeout'),
    cacheMs: seconds(env, 'CACHE_SECONDS', 2, 0, 60, 'use the seconds a collection answers repeated scrapes, 0 to 60'),
    logLevel: logLevel(env),
  };
}

function number(env: Env, variable: string, fallback: number, min: number, max: number, fix: string): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(variable, raw, fix);
  return value;
}

function integer(env: Env, variable: string, fallback: number, min: number, max: number, fix: string): number {
  const value = number(env, variable, fallback, min, max, fix);
  if (!Number.isInteger(value)) throw new ConfigError(variable, env[variable], fix);
  return value;
}

function seconds(env: Env, variable: string, fallback: number, min: number, max: number, fix: string): number {
  return Math.round(number(env, variable, fallback, min, max, fix) * 1000);
}

function database(env: Env, readFile: (path: string) => string): DatabaseSettings {
  if (env.PGPASSWORD !== undefined) {
    throw new ConfigError('PGPASSWORD', '<hidden>', 'secrets are mounted as files: write the password to a file, set PGPASSWORD_FILE to its path and unset PGPASSWORD');
  }
  const host = env.PGHOST?.trim();
  if (!host) throw new ConfigError('PGHOST', env.PGHOST, "set PGHOST to the host name of Airflow's metadata database (PostgreSQL)");
  const passwordFile = env.PGPASSWORD_FILE?.trim();
  return {
    host,
    port: integer(env, 'PGPORT', 5432, 1, 65535, 'use the PostgreSQL TCP port, e.g. 5432'),
    user: env.PGUSER?.trim() || 'pipewatch_exporter',
    database: env.PGDATABASE?.trim() || 'airflow',
    ...(passwordFile ? { password: readSecret(passwordFile, readFile) } : {}),
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

function readSecret(path: string, readFile: (path: string) => string): string {
  let content: string;
  try {
    content = readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError('PGPASSWORD_FILE', path, `the file cannot be read (${reason}): mount the password file there or fix the path`);
  }
  // Secret files usually end with a newline that is not part of the password.
  const password = content.replace(/\r?\n$/, '');
  if (password === '') throw new ConfigError('PGPASSWORD_FILE', path, 'the file is empty: write the PostgreSQL password into it');
  return password;
}

function logLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError('LOG_LEVEL', env.LOG_LEVEL, `use one of ${LOG_LEVELS.join(', ')}`);
  return raw as LogLevel;
}
