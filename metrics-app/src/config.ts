import { readFileSync } from 'fs';
import { DEFAULT_PIPELINES_FILE } from '../../content/pipeline/catalog';
import { ConfigError, Env, integer, logLevel, number, ReadFile } from '../../service-kit/env';
import { LogLevel } from '../../service-kit/log';
import { forbidPasswordVariable, PostgresConnection, postgresConnection } from '../../service-kit/postgres';
import { parseScenario, Scenario, ScenarioError, SCENARIO_KINDS } from './scenarios';

export { ConfigError };

export type PostgresSettings = PostgresConnection;

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

/** Reads and validates the simulator's settings; throws ConfigError on the first bad one. */
export function loadConfig(env: Env, readFile: ReadFile = (p) => readFileSync(p, 'utf8')): Config {
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

function postgres(env: Env, readFile: ReadFile): PostgresSettings | undefined {
  forbidPasswordVariable(env);
  const host = env.PGHOST?.trim();
  if (!host) {
    for (const variable of ['PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD_FILE']) {
      if (env[variable]) throw new ConfigError('PGHOST', env.PGHOST, `${variable} is set, so PostgreSQL history is intended: set PGHOST to the server's host name (or unset ${variable} to keep history in memory)`);
    }
    return undefined;
  }
  return postgresConnection(env, host, { user: 'pipewatch', database: 'pipewatch' }, readFile);
}
