import { Pool } from 'pg';
import { Logger } from '../../service-kit/log';
import { poolConnection } from '../../service-kit/postgres';
import { DatabaseSettings } from './config';
import { DAG_RUNS_SQL, DagRow, RUNNING_TASKS_SQL, RunningTaskRow, Snapshot, toSnapshot } from './queries';

/** The outcome of one collection: the snapshot, or why there is none. */
export type Collection =
  | { readonly ok: true; readonly snapshot: Snapshot; readonly durationSeconds: number; readonly finishedAtMs: number }
  | { readonly ok: false; readonly error: Error; readonly durationSeconds: number; readonly finishedAtMs: number };

export interface AirflowDatabaseOptions {
  readonly settings: DatabaseSettings;
  readonly queryTimeoutMs: number;
  readonly cacheMs: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * Reads the snapshot from Airflow's metadata database. At most one
 * collection is in flight: callers arriving meanwhile share it, and its
 * result answers everyone for `cacheMs`, so parallel scrapes and probes cost
 * one query. Nothing here outlives a restart except what the database holds.
 */
export class AirflowDatabase {
  private readonly pool: Pool;
  private readonly now: () => number;
  private inFlight?: Promise<Collection>;
  private latest?: Collection;

  constructor(private readonly options: AirflowDatabaseOptions) {
    const { settings, queryTimeoutMs } = options;
    this.now = options.now ?? Date.now;
    this.pool = new Pool({
      ...poolConnection(settings),
      ssl: settings.ssl,
      application_name: 'pipewatch-airflow-exporter',
      // One connection is all a single in-flight collection needs.
      max: 1,
      idleTimeoutMillis: 60_000,
      connectionTimeoutMillis: queryTimeoutMs,
      statement_timeout: queryTimeoutMs,
      // Guards against a server that stops answering mid-query, where the statement timeout never fires.
      query_timeout: queryTimeoutMs + 1_000,
    });
    // An idle connection that breaks (database restart) must not crash the process; the next collection reconnects.
    this.pool.on('error', (error) => options.log.debug('idle database connection closed', { error }));
  }

  /** The most recent collection, if any (for readiness without querying). */
  get last(): Collection | undefined {
    return this.latest;
  }

  collect(): Promise<Collection> {
    const latest = this.latest;
    if (latest && this.now() - latest.finishedAtMs < this.options.cacheMs) return Promise.resolve(latest);
    this.inFlight ??= this.query().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  async close(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    await this.pool.end();
  }

  private async query(): Promise<Collection> {
    const started = this.now();
    let result: Collection;
    try {
      const snapshot = await this.read();
      result = { ok: true, snapshot, durationSeconds: (this.now() - started) / 1000, finishedAtMs: this.now() };
    } catch (error) {
      result = { ok: false, error: error as Error, durationSeconds: (this.now() - started) / 1000, finishedAtMs: this.now() };
    }
    this.logTransition(this.latest, result);
    this.latest = result;
    return result;
  }

  /** Both queries in one read-only snapshot, so counters and last-run gauges agree with each other. */
  private async read(): Promise<Snapshot> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const dags = await client.query<DagRow>(DAG_RUNS_SQL);
      const tasks = await client.query<RunningTaskRow>(RUNNING_TASKS_SQL);
      await client.query('COMMIT');
      return toSnapshot(dags.rows, tasks.rows);
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A failed connection is dropped rather than reused in an unknown state.
      client.release(broken);
    }
  }

  private logTransition(previous: Collection | undefined, current: Collection): void {
    const { host, port, database, user } = this.options.settings;
    if (!current.ok && (previous === undefined || previous.ok)) {
      this.options.log.error('Airflow metadata database query failed', { host, port, database, user, error: current.error });
    } else if (current.ok && (previous === undefined || !previous.ok)) {
      this.options.log.info('Airflow metadata database query succeeded', { host, port, database, user, dags: current.snapshot.dags.length, durationSeconds: current.durationSeconds });
    }
  }
}
