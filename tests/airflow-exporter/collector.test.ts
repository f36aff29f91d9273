import { createRegistry, CollectionSource } from '../../airflow-exporter/src/collector';
import { Collection } from '../../airflow-exporter/src/database';
import { parseExposition, seriesLines } from './support/exposition';

const snapshot = {
  dags: [{ dagId: 'team.pipeline', paused: false, finished: { success: 3, failed: 2 }, active: { running: 1, queued: 0 }, lastSuccessIntervalEnd: 1767247200, lastFinishedIntervalEnd: 1767250800, lastRunFailed: true }],
  runningTasks: [],
};

/** A source whose collections resolve when the test says so, like a slow database. */
function slowSource(results: Collection[]): CollectionSource & { release(): void } {
  const waiting: Array<() => void> = [];
  let next = 0;
  return {
    collect: () => new Promise<Collection>((resolve) => waiting.push(() => resolve(results[Math.min(next++, results.length - 1)]))),
    release: () => waiting.splice(0).forEach((go) => go()),
  };
}

describe('airflow-exporter registry', () => {
  test('GIVEN two scrapes waiting on the same collection WHEN it arrives THEN both publish the counts once, not twice', async () => {
    const ok: Collection = { ok: true, snapshot, durationSeconds: 0.01, finishedAtMs: 0 };
    const source = slowSource([ok]);
    const registry = createRegistry(source);
    const scrapes = Promise.all([registry.metrics(), registry.metrics()]);
    await new Promise((r) => setImmediate(r));
    source.release();
    for (const text of await scrapes) {
      expect(seriesLines(text, 'pipewatch_dag_runs_finished_total')).toEqual([
        'pipewatch_dag_runs_finished_total{dag_id="team.pipeline",state="failed"} 2',
        'pipewatch_dag_runs_finished_total{dag_id="team.pipeline",state="success"} 3',
      ]);
    }
  });

  test('GIVEN a successful collection and then a failed one WHEN scraped THEN the second scrape has db_up 0 and no DAG series left over from the first', async () => {
    const results: Collection[] = [
      { ok: true, snapshot, durationSeconds: 0.02, finishedAtMs: 0 },
      { ok: false, error: new Error('connection refused'), durationSeconds: 0.5, finishedAtMs: 1 },
    ];
    let call = 0;
    const registry = createRegistry({ collect: async () => results[call] });
    const first = await registry.metrics();
    call = 1;
    const second = await registry.metrics();
    expect(seriesLines(first, 'pipewatch_dag_')).toHaveLength(8);
    expect(parseExposition(second).map((s) => `${s.name} ${s.value}`).sort()).toEqual(['pipewatch_airflow_db_query_duration_seconds 0.5', 'pipewatch_airflow_db_up 0']);
  });
});
