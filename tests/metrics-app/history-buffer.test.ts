import { BufferedRunHistory, retryDelayMs } from '../../metrics-app/src/history/buffer';
import { MemoryRunHistory } from '../../metrics-app/src/history/memory';
import { HistoryStore } from '../../metrics-app/src/history/postgres';
import { HistoryRow, RecentRunsQuery } from '../../metrics-app/src/history/types';
import { SimulatorMetrics } from '../../metrics-app/src/metrics';
import { memoryLogger } from './support/app';

/** A database that can be switched off. */
class FakeStore implements HistoryStore {
  up = true;
  migrations = 0;
  readonly rows: HistoryRow[] = [];
  closed = false;

  async migrate(): Promise<void> {
    this.check();
    this.migrations++;
  }

  async insert(rows: readonly HistoryRow[]): Promise<void> {
    this.check();
    this.rows.push(...rows);
  }

  async recent(query: RecentRunsQuery): Promise<HistoryRow[]> {
    this.check();
    return this.rows.slice(-query.limit).reverse();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private check(): void {
    if (!this.up) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  }
}

const row = (n: number): HistoryRow => ({
  simulationId: 'sim',
  dagId: 'example_etl',
  runId: `run_${n}`,
  state: 'success',
  scheduledAt: new Date(n * 1000),
  startedAt: new Date(n * 1000),
  finishedAt: new Date(n * 1000 + 500),
  durationSeconds: 0.5,
  rowsProcessed: n,
  taskRetries: 0,
  failedTaskId: null,
  dqChecksFailed: 0,
  scenario: null,
  recordedAt: new Date(n * 1000 + 500),
});

function buffered(capacity = 100) {
  const store = new FakeStore();
  const metrics = new SimulatorMetrics();
  const log = memoryLogger();
  // Long delays: these tests drive flush() themselves.
  const history = new BufferedRunHistory(store, metrics, log, { capacity, batchSize: 3, flushDelayMs: 60_000, initialBackoffMs: 60_000, maxBackoffMs: 600_000 });
  const value = async (name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
  const counts = async () => ({
    buffered: await value('pipewatch_simulator_history_buffered_rows'),
    writeErrors: await value('pipewatch_simulator_history_write_errors_total'),
    dropped: await value('pipewatch_simulator_history_dropped_rows_total'),
  });
  return { store, history, log, counts };
}

describe('BufferedRunHistory', () => {
  test('GIVEN a reachable database WHEN rows are recorded and flushed THEN the schema is migrated once and every row is written in order, in batches', async () => {
    const { store, history, counts } = buffered();
    expect(history.isReady()).toBe(false);
    for (let i = 1; i <= 7; i++) history.record(row(i));
    expect(await counts()).toEqual({ buffered: 7, writeErrors: 0, dropped: 0 });
    await history.flush();
    await history.flush();
    expect(history.isReady()).toBe(true);
    expect(store.migrations).toBe(1);
    expect(store.rows.map((r) => r.runId)).toEqual(['run_1', 'run_2', 'run_3', 'run_4', 'run_5', 'run_6', 'run_7']);
    expect(await counts()).toEqual({ buffered: 0, writeErrors: 0, dropped: 0 });
    await history.close();
  });

  test('GIVEN the database is down WHEN a flush fails THEN nothing throws, the rows stay buffered, and the failure is counted and logged with the retry delay', async () => {
    const { store, history, counts, log } = buffered();
    store.up = false;
    history.record(row(1));
    history.record(row(2));
    await expect(history.flush()).resolves.toBeUndefined();
    await history.flush();
    expect(await counts()).toEqual({ buffered: 2, writeErrors: 2, dropped: 0 });
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => [l.msg, l.retryInMs, (l.error as { code: string }).code])).toEqual([
      ['run history write failed; keeping rows and retrying', 60_000, 'ECONNREFUSED'],
      ['run history write failed; keeping rows and retrying', 120_000, 'ECONNREFUSED'],
    ]);
    store.up = true;
    await history.flush();
    expect(store.rows.map((r) => r.runId)).toEqual(['run_1', 'run_2']);
    expect(await counts()).toEqual({ buffered: 0, writeErrors: 2, dropped: 0 });
    expect(log.lines.at(-1)).toMatchObject({ level: 'info', msg: 'run history written again', failedAttempts: 2 });
    await history.close();
  });

  test('GIVEN a full buffer WHEN more rows arrive THEN the oldest are dropped and counted, and the newest are written once the database is back', async () => {
    const { store, history, counts } = buffered(5);
    store.up = false;
    for (let i = 1; i <= 8; i++) history.record(row(i));
    await history.flush();
    expect(await counts()).toEqual({ buffered: 5, writeErrors: 1, dropped: 3 });
    store.up = true;
    await history.flush();
    expect(store.rows.map((r) => r.rowsProcessed)).toEqual([4, 5, 6, 7, 8]);
    await history.close();
  });

  test('GIVEN rows buffered WHEN closed with the database up THEN they are flushed and the store closed', async () => {
    const { store, history, counts } = buffered();
    history.record(row(1));
    await history.close();
    expect(store.rows).toHaveLength(1);
    expect(store.closed).toBe(true);
    expect(await counts()).toEqual({ buffered: 0, writeErrors: 0, dropped: 0 });
  });

  test('GIVEN the database down WHEN closed THEN the unwritten rows are counted as dropped and logged, and close still completes', async () => {
    const { store, history, counts, log } = buffered();
    store.up = false;
    history.record(row(1));
    history.record(row(2));
    await history.close(1_000);
    expect((await counts()).dropped).toBe(2);
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', msg: 'run history rows dropped at shutdown', droppedRows: 2 });
    expect(store.closed).toBe(true);
  });

  test('GIVEN consecutive failures WHEN the retry delay is computed THEN it doubles up to the maximum', () => {
    expect([1, 2, 3, 4, 8, 20].map((n) => retryDelayMs(n, 500, 30_000))).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });
});

describe('MemoryRunHistory', () => {
  test('GIVEN more runs than its capacity WHEN queried THEN it keeps the newest, newest first, filtered by dag', async () => {
    const history = new MemoryRunHistory(3);
    for (let i = 1; i <= 5; i++) history.record({ ...row(i), dagId: i % 2 ? 'a' : 'b' });
    expect((await history.recent({ limit: 10 })).map((r) => r.rowsProcessed)).toEqual([5, 4, 3]);
    expect((await history.recent({ limit: 10, dagId: 'a' })).map((r) => r.rowsProcessed)).toEqual([5, 3]);
    expect(history.isReady()).toBe(true);
  });
});
