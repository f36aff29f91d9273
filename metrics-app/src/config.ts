import { readFileSync } from 'fs';
import { DEFAULT_PIPELINES_FILE } from '../../content/pipeline/catalog';
import { LOG_LEVELS, LogLevel } from './log';
import { parseScenario, Scenario, ScenarioError, SCENARIO_KINDS } from './scenarios';

export interface PostgresSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Read from PGPASSWORD_FILE; absent when the server trusts the connection. */
  readonly password?: string;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Pipeline seconds per real second. */
  readonly timeScale: number;
  readonly seed: string;
  /** Real milliseconds between two model steps. */
  readonly tickMs: number;
  /**
   * The pipeline catalog file to play (SIM_PIPELINES_FILE: the one the stack
   * renders, else pipelines.yaml), or a count of synthetic pipelines (SIM_PIPELINES).
   */
  readonly pipelines: string | number;
  /** Scenarios in force from start-up; their dag ids are checked against the pipelines when the app starts. */
  readonly scenarios: readonly Scenario[];
  /** Absent: run history is kept in memory. */
  readonly postgres?: PostgresSettings;
  readonly historyBufferRows: number;
  readonly historyMemoryRows: number;
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

/** Reads and validates the simulator's settings; throws ConfigError on the first bad one. */
export function loadConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Config {
  return {
    host: env.HOST?.trim() || '0.0.0.0',
    port: integer(env, 'PORT', 8000, 0, 65535, 'use a TCP port between 1 and 65535 (0 picks a free one)'),
    timeScale: number(env, 'SIM_TIME_SCALE', 1, 0.001, 100_000, 'use a number of pipeline seconds per real second, e.g. 60 for one pipeline hour per minute'),
    seed: env.SIM_SEED?.trim() || 'pipewatch',
    tickMs: integer(env, 'SIM_TICK_MS', 1000, 10, 60_000, 'use the real milliseconds between model steps, 10 to 60000'),
    pipelines: pipelines(env),
    scenarios: scenarios(env),
    postgres: postgres(env, readFile),
    historyBufferRows: integer(env, 'HISTORY_BUFFER_ROWS', 10_000, 1, 1_000_000, 'use how many run-history rows to hold while PostgreSQL is unreachable, 1 to 1000000'),
    historyMemoryRows: integer(env, 'HISTORY_MEMORY_ROWS', 10_000, 1, 1_000_000, 'use how many runs to keep in memory without PostgreSQL, 1 to 1000000'),
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

function pipelines(env: Env): string | number {
  const file = env.SIM_PIPELINES_FILE?.trim();
  if (!env.SIM_PIPELINES?.trim()) return file || DEFAULT_PIPELINES_FILE;
  if (file) throw new ConfigError('SIM_PIPELINES', env.SIM_PIPELINES, `SIM_PIPELINES_FILE is set too: unset SIM_PIPELINES to play that catalog, or unset SIM_PIPELINES_FILE for synthetic pipelines`);
  return integer(env, 'SIM_PIPELINES', 0, 1, 100_000, 'use a count of synthetic pipelines, 1 to 100000 (unset it to play the pipeline catalog)');
}

/** `dag_id=kind[,dag_id=kind...]`, e.g. `example_etl=fail,ml_pipeline=slow`. */
function scenarios(env: Env): Scenario[] {
  const raw = env.SIM_SCENARIOS?.trim();
  if (!raw) return [];
  const fix = `use comma-separated dag_id=kind pairs, e.g. "example_etl=fail,ml_pipeline=slow"; kinds: ${Object.keys(SCENARIO_KINDS).join(', ')}`;
  return raw.split(',').map((pair) => {
    const [dagId, kind, ...rest] = pair.split('=').map((s) => s.trim());
    if (!dagId || !kind || rest.length > 0) throw new ConfigError('SIM_SCENARIOS', raw, fix);
    try {
      return parseScenario({ dagId, kind });
    } catch (error) {
      if (error instanceof ScenarioError) throw new ConfigError('SIM_SCENARIOS', raw, `${error.details.join('; ')}; ${fix}`);
      throw error;
    }
  });
}

function postgres(env: Env, readFile: (path: string) => string): PostgresSettings | undefined {
  if (env.PGPASSWORD !== undefined) {
    throw new ConfigError('PGPASSWORD', '<hidden>', 'secrets are mounted as files: write the password to a file, set PGPASSWORD_FILE to its path and unset PGPASSWORD');
  }
  const host = env.PGHOST?.trim();
  if (!host) {
    for (const variable of ['PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD_FILE']) {
      if (env[variable]) throw new ConfigError('PGHOST', env.PGHOST, `${variable} is set, so PostgreSQL history is intended: set PGHOST to the server's host name (or unset ${variable} to keep history in memory)`);
    }
    return undefined;
  }
  const passwordFile = env.PGPASSWORD_FILE?.trim();
  return {
    host,
    port: integer(env, 'PGPORT', 5432, 1, 65535, 'use the PostgreSQL TCP port, e.g. 5432'),
    user: env.PGUSER?.trim() || 'pipewatch',
    database: env.PGDATABASE?.trim() || 'pipewatch',
    ...(passwordFile ? { password: readSecret(passwordFile, readFile) } : {}),
  };
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
