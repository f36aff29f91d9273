import { parseScenario } from '../../metrics-app/src/scenarios';
import { sampleValue } from './support/exposition';
import { testApp, TestApp } from './support/app';

/** Unix seconds of 2025-01-06 (the tests' start, a Monday) at hh:mm UTC; 23:15 the day before is `at(-1, 15)`. */
const at = (hour: number, minute: number) => 1_736_121_600 + hour * 3600 + minute * 60;

/**
 * At time scale 1 and without fast-forwards pipeline time is the wall clock,
 * so every published timestamp is the plain Unix time of the event.
 */
function realTimeApp(): TestApp & { metric(name: string, labels?: Record<string, string>): Promise<number | undefined>; playUntil(condition: () => Promise<boolean>, what: string): Promise<void>; playFor(minutes: number): void } {
  const test = testApp({ timeScale: 1 });
  test.app.runner.step();
  const playFor = (minutes: number) => {
    for (let i = 0; i < minutes; i++) {
      test.clock.advance(60_000);
      test.app.runner.step();
    }
  };
  return {
    ...test,
    metric: async (name, labels = {}) => sampleValue(await test.app.metrics.render(), name, labels),
    playFor,
    async playUntil(condition, what) {
      for (let minutes = 0; !(await condition()); minutes++) {
        if (minutes > 12 * 60) throw new Error(`twelve pipeline hours passed and still not ${what}`);
        playFor(1);
      }
    },
  };
}

const etl = { dag_id: 'example_etl' };

describe('the Airflow exporter families, from the model', () => {
  test('GIVEN a simulator that has just started WHEN scraped THEN every DAG has both finished-run counters at 0, no active run, is not paused, and its last success is the run before the start', async () => {
    const sim = realTimeApp();
    for (const dag of ['datalake_ingest', 'example_etl', 'data_quality', 'ml_pipeline']) {
      expect(await sim.metric('pipewatch_dag_runs_finished_total', { dag_id: dag, state: 'success' })).toBe(0);
      expect(await sim.metric('pipewatch_dag_runs_finished_total', { dag_id: dag, state: 'failed' })).toBe(0);
      expect(await sim.metric('pipewatch_dag_runs_active', { dag_id: dag, state: 'running' })).toBe(0);
      expect(await sim.metric('pipewatch_dag_runs_active', { dag_id: dag, state: 'queued' })).toBe(0);
      expect(await sim.metric('pipewatch_dag_paused', { dag_id: dag })).toBe(0);
      expect(await sim.metric('pipewatch_dag_last_run_failed', { dag_id: dag })).toBe(0);
    }
    // example_etl (15 * * * *, 12 minutes): the 23:15 run of the day before had finished by 00:00.
    expect(await sim.metric('pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(-1, 15));
    expect(await sim.metric('pipewatch_dag_last_finished_interval_end_seconds', etl)).toBe(at(-1, 15));
    expect(await sim.metric('pipewatch_airflow_db_up')).toBe(1);
    expect(await sim.metric('pipewatch_airflow_db_query_duration_seconds')).toBe(0);
  });

  test('GIVEN example_etl failing WHEN its 00:15 run fails THEN last_run_failed is 1 and the last finished interval end is 00:15; WHEN recovered and the 01:15 run succeeds THEN it is 0 again', async () => {
    const sim = realTimeApp();
    sim.app.scenarios.set({ dagId: 'example_etl', kind: 'fail' });
    await sim.playUntil(async () => (await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'failed' })) === 1, 'one failed run');
    expect(await sim.metric('pipewatch_dag_last_run_failed', etl)).toBe(1);
    expect(await sim.metric('pipewatch_dag_last_finished_interval_end_seconds', etl)).toBe(at(0, 15));
    expect(await sim.metric('pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(-1, 15));
    expect(await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })).toBe(0);

    sim.app.scenarios.clear('example_etl');
    await sim.playUntil(async () => (await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })) === 1, 'one successful run');
    expect(await sim.metric('pipewatch_dag_last_run_failed', etl)).toBe(0);
    expect(await sim.metric('pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(1, 15));
    expect(await sim.metric('pipewatch_dag_last_finished_interval_end_seconds', etl)).toBe(at(1, 15));
    expect(await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'failed' })).toBe(1);
  });

  test('GIVEN example_etl ten times slower WHEN its 00:15 run succeeds hours late THEN the last success interval end is still 00:15, though the run took over an hour', async () => {
    const sim = realTimeApp();
    sim.app.scenarios.set({ dagId: 'example_etl', kind: 'slow', factor: 10 });
    await sim.playUntil(async () => (await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })) === 1, 'one successful run');
    expect(await sim.metric('pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(0, 15));
    expect(await sim.metric('airflow_dagrun_duration_sum', etl)).toBeGreaterThan(3600);
  });

  test('GIVEN a healthy example_etl WHEN its first task runs at 00:16 THEN its running-since is the run start just after 00:15; WHEN the run is over THEN no task of it has a series', async () => {
    const sim = realTimeApp();
    sim.playFor(16);
    const since = await sim.metric('pipewatch_task_running_since_seconds', { ...etl, task_id: 'extract' });
    expect(since).toBeGreaterThanOrEqual(at(0, 15));
    expect(since).toBeLessThan(at(0, 16));
    expect(await sim.metric('pipewatch_dag_runs_active', { ...etl, state: 'running' })).toBe(1);
    sim.playFor(44);
    const text = await sim.app.metrics.render();
    expect(text).not.toMatch(/^pipewatch_task_running_since_seconds\{[^}]*dag_id="example_etl"/m);
    expect(await sim.metric('pipewatch_dag_runs_active', { ...etl, state: 'running' })).toBe(0);
  });

  test('GIVEN example_etl hung on its transform task WHEN three hours pass THEN transform keeps running, no later run starts and no success is recorded; WHEN the scenario is cleared THEN the 00:15 run finishes and the next run starts', async () => {
    const sim = realTimeApp();
    sim.app.scenarios.set(parseScenario({ dagId: 'example_etl', kind: 'hang', taskId: 'transform' }));
    sim.playFor(60);
    const since = await sim.metric('pipewatch_task_running_since_seconds', { ...etl, task_id: 'transform' });
    // extract (about 3 minutes) ran first.
    expect(since).toBeGreaterThan(at(0, 16));
    expect(since).toBeLessThan(at(0, 30));

    sim.playFor(3 * 60);
    expect(await sim.metric('pipewatch_task_running_since_seconds', { ...etl, task_id: 'transform' })).toBe(since);
    expect(await sim.metric('pipewatch_dag_runs_active', { ...etl, state: 'running' })).toBe(1);
    expect(await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })).toBe(0);
    expect(await sim.metric('pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(-1, 15));
    expect(await sim.app.history.recent({ dagId: 'example_etl', limit: 10 })).toEqual([]);

    sim.app.scenarios.clear('example_etl');
    await sim.playUntil(async () => (await sim.metric('pipewatch_dag_runs_finished_total', { ...etl, state: 'success' })) === 1, 'the hung run finished');
    expect(await sim.metric('pipewatch_dag_last_success_interval_end_seconds', etl)).toBe(at(0, 15));
    // The hung run ended at 04:00, past the 01:15 to 03:15 fire times: only the latest of them runs now.
    const [hungRun] = await sim.app.history.recent({ dagId: 'example_etl', limit: 1 });
    expect(hungRun.finishedAt.getTime()).toBeGreaterThan(at(4, 0) * 1000);
    sim.playFor(1);
    expect(await sim.metric('pipewatch_dag_runs_active', { ...etl, state: 'running' })).toBe(1);
    expect(await sim.metric('pipewatch_task_running_since_seconds', { ...etl, task_id: 'extract' })).toBeGreaterThan(at(4, 0));
  });

  test('GIVEN a hang naming a task the DAG does not have WHEN set THEN it is refused with the DAG\'s tasks', () => {
    const sim = realTimeApp();
    expect(() => sim.app.scenarios.set({ dagId: 'example_etl', kind: 'hang', taskId: 'train' })).toThrow('pipeline "example_etl" has no task "train"');
  });
});
