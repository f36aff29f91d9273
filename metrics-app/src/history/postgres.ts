import { Pool } from 'pg';
import { Logger } from '../../../service-kit/log';
import { poolConnection } from '../../../service-kit/postgres';
import { PostgresSettings } from '../config';
import { FinishedRunsState } from '../model/run-state';
import { MIGRATIONS } from './migrations';
import { HistoryRow, RecentRunsQuery, RestoredRunState } from './types';

/** What the buffer needs from a database; PostgreSQL in the app, a fake in unit tests. */
export interface HistoryStore {
  migrate(): Promise<void>;
  insert(rows: readonly HistoryRow[]): Promise<void>;
  recent(query: RecentRunsQuery): Promise<HistoryRow[]>;
  close(): Promise<void>;
}

const COLUMNS = [
  'simulation_id',
  'dag_id',
  'run_id',
  'state',
  'scheduled_at',
  'started_at',
  'finished_at',
  'duration_seconds',
  'rows_processed',
  'task_retries',
  'failed_task_id',
  'dq_checks_failed',
  'scenario',
  'recorded_at',
] as const;

/**
 * One aggregate row per DAG with history, like the exporter's query of Airflow's
 * dag_run: a run's place in time is its scheduled time (= data interval end).
 * Two runs with the same scheduled time (pipeline time replayed) count as a success.
 */
const RESTORE_SQL = `
SELECT dag_id,
       count(*) FILTER (WHERE state = 'success') AS succeeded,
       count(*) FILTER (WHERE state = 'failed') AS failed,
       extract(epoch FROM max(scheduled_at) FILTER (WHERE state = 'success'))::float8 * 1000 AS last_success_scheduled_ms,
       extract(epoch FROM max(finished_at) FILTER (WHERE state = 'success'))::float8 * 1000 AS last_success_finished_ms,
       extract(epoch FROM max(scheduled_at) FILTER (WHERE state = 'failed'))::float8 * 1000 AS last_failed_scheduled_ms,
       extract(epoch FROM max(scheduled_at))::float8 * 1000 AS last_finished_scheduled_ms,
       extract(epoch FROM max(finished_at - recorded_at))::float8 * 1000 AS clock_lead_ms
FROM pipeline_runs
WHERE dag_id = ANY($1::text[])
GROUP BY dag_id`;

interface RestoreRow {
  readonly dag_id: string;
  /** count(*) arrives as a string (bigint). */
  readonly succeeded: string;
  readonly failed: string;
  readonly last_success_scheduled_ms: number | null;
  readonly last_success_finished_ms: number | null;
  readonly last_failed_scheduled_ms: number | null;
  readonly last_finished_scheduled_ms: number;
  readonly clock_lead_ms: number;
}

function toFinishedRunsState(row: RestoreRow): FinishedRunsState {
  const lastSuccessMs = row.last_success_scheduled_ms;
  return {
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    ...(lastSuccessMs !== null ? { lastSuccess: { scheduledAtMs: lastSuccessMs, finishedAtMs: row.last_success_finished_ms! } } : {}),
    lastFinishedScheduledAtMs: row.last_finished_scheduled_ms,
    lastRunFailed: row.last_failed_scheduled_ms !== null && (lastSuccessMs === null || row.last_failed_scheduled_ms > lastSuccessMs),
  };
}

/** Any constant works; it only has to be the same for every replica of the app. */
const MIGRATION_LOCK_KEY = 7_311_002;

/** Fails fast while PostgreSQL is down, so the buffer counts the error and backs off instead of hanging. */
const TIMEOUTS = { connectionTimeoutMillis: 3_000, query_timeout: 10_000, idleTimeoutMillis: 10_000 };

export class PostgresHistoryStore implements HistoryStore {
  private readonly pool: Pool;

  constructor(settings: PostgresSettings, log: Logger) {
    this.pool = new Pool({
      ...poolConnection(settings),
      max: 4,
      application_name: 'pipewatch-simulator',
      ...TIMEOUTS,
    });
    // An idle connection dropped by a restarting server is reported here; without a listener it would crash the process.
    this.pool.on('error', (error) => log.warn('idle PostgreSQL connection lost', { error }));
  }

  /** Applies the migrations not yet applied, under an advisory lock so replicas starting together do not race. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS pipewatch_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM pipewatch_schema_migrations')).rows.map((r) => r.version));
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO pipewatch_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** One multi-row INSERT; a retried batch that had in fact been committed is ignored, not duplicated. */
  async insert(rows: readonly HistoryRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((row, i) => {
      values.push(
        row.simulationId,
        row.dagId,
        row.runId,
        row.state,
        row.scheduledAt,
        row.startedAt,
        row.finishedAt,
        row.durationSeconds,
        row.rowsProcessed,
        row.taskRetries,
        row.failedTaskId,
        row.dqChecksFailed,
        row.scenario,
        row.recordedAt,
      );
      return `(${COLUMNS.map((_, c) => `$${i * COLUMNS.length + c + 1}`).join(', ')})`;
    });
    await this.pool.query(
      `INSERT INTO pipeline_runs (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (simulation_id, dag_id, run_id) DO NOTHING`,
      values,
    );
  }

  async recent(query: RecentRunsQuery): Promise<HistoryRow[]> {
    const result = await this.pool.query(
      `SELECT ${COLUMNS.join(', ')} FROM pipeline_runs WHERE ($1::text IS NULL OR dag_id = $1) ORDER BY finished_at DESC LIMIT $2`,
      [query.dagId ?? null, query.limit],
    );
    return result.rows.map((r) => ({
      simulationId: r.simulation_id,
      dagId: r.dag_id,
      runId: r.run_id,
      state: r.state,
      scheduledAt: r.scheduled_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationSeconds: r.duration_seconds,
      // bigint arrives as a string; run row counts stay far below 2^53.
      rowsProcessed: Number(r.rows_processed),
      taskRetries: r.task_retries,
      failedTaskId: r.failed_task_id,
      dqChecksFailed: r.dq_checks_failed,
      scenario: r.scenario,
      recordedAt: r.recorded_at,
    }));
  }

  /** The finished-run state of `dagIds` (DAGs without rows are left out), in one aggregate query. */
  async restore(dagIds: readonly string[]): Promise<RestoredRunState> {
    const { rows } = await this.pool.query<RestoreRow>(RESTORE_SQL, [dagIds]);
    return {
      dags: new Map(rows.map((row) => [row.dag_id, toFinishedRunsState(row)])),
      clockLeadMs: rows.reduce((lead, row) => Math.max(lead, row.clock_lead_ms), 0),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
