import { Counter, Gauge } from 'prom-client';
import { Logger } from '../../../service-kit/log';
import { SimulatorMetrics } from '../metrics';
import { HistoryStore } from './postgres';
import { HistoryRow, RecentRunsQuery, RunHistory } from './types';

export interface BufferOptions {
  /** Most rows held while the database is unreachable; past it the oldest are dropped and counted. */
  readonly capacity: number;
  /** @default 500 */
  readonly batchSize?: number;
  /** @default 500 */
  readonly initialBackoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
  /** Gathers runs that finish together into one INSERT. @default 200 */
  readonly flushDelayMs?: number;
  /** Told whether each write attempt reached the database. */
  readonly onAttempt?: (succeeded: boolean) => void;
}

/** Exponential backoff after `failures` consecutive failed attempts (1 = first failure). */
export function retryDelayMs(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Run history in PostgreSQL that never blocks or crashes the app: rows wait in
 * a bounded buffer, are written in batches, and are retried with backoff while
 * the database is down. Every failed write, held row and dropped row is a metric.
 */
export class BufferedRunHistory implements RunHistory {
  private pending: HistoryRow[] = [];
  private inFlight: HistoryRow[] = [];
  private migrated = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Rows dropped since the last log line that reported drops; one line per attempt, not one per row. */
  private unreportedDrops = 0;
  private readonly batchSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly flushDelayMs: number;
  private readonly writeErrors: Counter<string>;
  private readonly bufferedRows: Gauge<string>;
  private readonly droppedRows: Counter<string>;

  constructor(
    private readonly store: HistoryStore,
    metrics: SimulatorMetrics,
    private readonly log: Logger,
    private readonly options: BufferOptions,
  ) {
    this.batchSize = Math.min(options.batchSize ?? 500, options.capacity);
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.flushDelayMs = options.flushDelayMs ?? 200;
    this.writeErrors = metrics.counter('pipewatch_simulator_history_write_errors_total');
    this.bufferedRows = metrics.gauge('pipewatch_simulator_history_buffered_rows');
    this.droppedRows = metrics.counter('pipewatch_simulator_history_dropped_rows_total');
  }

  /** Runs the migration now (retried in the background until it succeeds). */
  start(): void {
    this.schedule(0);
  }

  record(row: HistoryRow): void {
    if (this.closed) {
      this.drop(1);
      return;
    }
    this.pending.push(row);
    this.enforceCapacity();
    // While backing off, the retry timer is already set; do not hammer a failing database.
    if (this.failures === 0) this.schedule(this.flushDelayMs);
  }

  /** One attempt to migrate (if needed) and write everything held; resolves whether or not it succeeded. */
  flush(): Promise<void> {
    this.running ??= this.attempt().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  recent(query: RecentRunsQuery): Promise<HistoryRow[]> {
    return this.store.recent(query);
  }

  isReady(): boolean {
    return this.migrated;
  }

  private get heldRows(): number {
    return this.pending.length + this.inFlight.length;
  }

  /** Stops retrying, makes a last attempt bounded by `timeoutMs`, counts what is left as dropped and closes the store. */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.heldRows > 0 || this.running) {
      let timeout: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timeout = setTimeout(resolve, timeoutMs)));
      await Promise.race([(this.running ?? Promise.resolve()).then(() => (this.pending.length > 0 ? this.flush() : undefined)), deadline]);
      clearTimeout(timeout);
    }
    if (this.heldRows > 0) this.drop(this.heldRows);
    if (this.unreportedDrops > 0) this.log.error('run history rows dropped at shutdown', { droppedRows: this.takeUnreportedDrops() });
    await this.store.close();
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    // Pending retries must not keep a stopping process alive.
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    const hadRows = this.heldRows > 0;
    try {
      if (!this.migrated) {
        await this.store.migrate();
        this.migrated = true;
        this.log.info('run history schema ready');
      }
      while (this.pending.length > 0) {
        this.inFlight = this.pending.splice(0, this.batchSize);
        await this.store.insert(this.inFlight);
        this.inFlight = [];
        this.bufferedRows.set(this.heldRows);
      }
      if (this.failures > 0) this.log.info('run history written again', { failedAttempts: this.failures, droppedRows: this.takeUnreportedDrops() });
      this.failures = 0;
      this.options.onAttempt?.(true);
    } catch (error) {
      this.options.onAttempt?.(false);
      this.pending = [...this.inFlight, ...this.pending];
      this.inFlight = [];
      this.enforceCapacity();
      this.failures++;
      if (hadRows) this.writeErrors.inc();
      if (this.closed) {
        this.log.warn('run history write failed during shutdown', { error, bufferedRows: this.heldRows });
        return;
      }
      const retryInMs = retryDelayMs(this.failures, this.initialBackoffMs, this.maxBackoffMs);
      this.log.warn('run history write failed; keeping rows and retrying', {
        error,
        bufferedRows: this.heldRows,
        capacity: this.options.capacity,
        droppedRows: this.takeUnreportedDrops(),
        retryInMs,
      });
      this.schedule(retryInMs);
    }
  }

  /** Keeps the newest rows: the oldest waiting ones go first (rows being written are kept). */
  private enforceCapacity(): void {
    const excess = Math.min(this.heldRows - this.options.capacity, this.pending.length);
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.drop(excess);
    }
    this.bufferedRows.set(this.heldRows);
  }

  private drop(rows: number): void {
    this.droppedRows.inc(rows);
    this.unreportedDrops += rows;
  }

  private takeUnreportedDrops(): number {
    const drops = this.unreportedDrops;
    this.unreportedDrops = 0;
    return drops;
  }
}
