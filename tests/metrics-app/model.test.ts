import { PipelineSpec } from '../../content/pipeline/spec';
import { RunFinished, RunStarted, SimulationEvent, TaskFinished } from '../../metrics-app/src/model/events';
import { Simulation } from '../../metrics-app/src/model/simulation';
import { syntheticPipelines } from '../../metrics-app/src/model/synthetic';
import { Scenario, ScenarioBook } from '../../metrics-app/src/scenarios';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { TEST_START_MS } from './support/app';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const HOUR = 3_600_000;

/** A seeded simulation of the example pipelines that can be stepped hour by hour. */
function simulation(seed = 'model-test', pipelines: readonly PipelineSpec[] = EXAMPLE_PIPELINES) {
  const scenarios = new ScenarioBook(pipelines, () => 'now');
  const sim = new Simulation({ pipelines, seed, startMs: TEST_START_MS, scenarios });
  const events: SimulationEvent[] = [];
  return {
    sim,
    events,
    scenarios,
    /** Plays pipeline time forward in one-minute steps, like a ticking app. */
    runFor(ms: number): SimulationEvent[] {
      const from = events.length;
      const end = sim.nowMs + ms;
      for (let t = sim.nowMs + 60_000; t <= end; t += 60_000) events.push(...sim.advanceTo(t));
      return events.slice(from);
    },
    set(scenario: Scenario) {
      scenarios.set(scenario);
    },
  };
}

const runsStarted = (events: SimulationEvent[], dagId?: string) =>
  events.filter((e): e is RunStarted => e.kind === 'run_started' && (dagId === undefined || e.dagId === dagId));
const runsFinished = (events: SimulationEvent[], dagId: string) =>
  events.filter((e): e is RunFinished => e.kind === 'run_finished' && e.run.dagId === dagId).map((e) => e.run);
const tasks = (events: SimulationEvent[], dagId: string, taskId?: string) =>
  events.filter((e): e is TaskFinished => e.kind === 'task_finished' && e.dagId === dagId && (taskId === undefined || e.taskId === taskId));
const lastSuccessFinishedMs = (sim: Simulation, dagId: string) => sim.snapshot().dags.find((d) => d.dagId === dagId)!.lastSuccess!.finishedAtMs;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('Simulation of the example pipelines', () => {
  test('GIVEN a day of pipeline time WHEN it passes THEN each pipeline runs once per schedule interval, just after its fire time', () => {
    const { runFor, events } = simulation();
    runFor(24 * HOUR + 60_000);
    const started = runsStarted(events);
    expect(runsStarted(events, 'datalake_ingest')).toHaveLength(24);
    expect(runsStarted(events, 'example_etl').map((r) => new Date(r.scheduledAtMs).getUTCMinutes())).toEqual(Array(24).fill(15));
    expect(runsStarted(events, 'data_quality')).toHaveLength(24);
    expect(runsStarted(events, 'ml_pipeline').map((r) => new Date(r.scheduledAtMs).toISOString())).toEqual(['2025-01-06T02:00:00.000Z']);
    for (const run of started) {
      expect(run.scheduleDelaySeconds).toBeGreaterThan(0);
      expect(run.scheduleDelaySeconds).toBeLessThan(60);
      expect(run.runId).toBe(`scheduled__${new Date(run.scheduledAtMs).toISOString().replace('.000Z', '+00:00')}`);
    }
  });

  test('GIVEN the same seed WHEN simulated twice THEN every event is identical; a different seed changes the durations', () => {
    const first = simulation('same').runFor(6 * HOUR);
    const second = simulation('same').runFor(6 * HOUR);
    const other = simulation('other').runFor(6 * HOUR);
    expect(second).toEqual(first);
    const durations = (events: SimulationEvent[]) => tasks(events, 'example_etl').map((t) => t.durationSeconds);
    expect(durations(other)).not.toEqual(durations(first));
  });

  test('GIVEN a day played in one step WHEN compared with minute-by-minute steps THEN every pipeline has the same runs, tries and outcomes', () => {
    const stepped = simulation('steps');
    stepped.runFor(24 * HOUR);
    const jumped = simulation('steps');
    const oneStep = jumped.sim.advanceTo(jumped.sim.nowMs + 24 * HOUR);
    const perPipeline = (events: SimulationEvent[], dagId: string) => events.filter((e) => e.kind !== 'heartbeats' && ('dagId' in e ? e.dagId : e.run.dagId) === dagId);
    for (const { dagId } of EXAMPLE_PIPELINES) {
      expect(perPipeline(oneStep, dagId)).toEqual(perPipeline(stepped.events, dagId));
      expect(perPipeline(oneStep, dagId).length).toBeGreaterThan(0);
    }
  });

  test('GIVEN a task expected to take 6 minutes WHEN hundreds of runs pass THEN its durations are log-normal around 6 minutes with a long right tail', () => {
    const { runFor } = simulation();
    const transform = tasks(runFor(20 * 24 * HOUR), 'example_etl', 'transform').filter((t) => t.state === 'success').map((t) => t.durationSeconds);
    expect(transform.length).toBeGreaterThan(400);
    const sorted = [...transform].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)];
    expect(median(transform)).toBeGreaterThan(360 * 0.9);
    expect(median(transform)).toBeLessThan(360 * 1.1);
    expect(p99 / median(transform)).toBeGreaterThan(1.5);
  });

  test('GIVEN healthy pipelines WHEN hundreds of runs pass THEN some tries are retried, runs still succeed at the SLO, and rows are processed', () => {
    const { runFor } = simulation();
    const events = runFor(20 * 24 * HOUR);
    const runs = runsFinished(events, 'example_etl');
    const retries = tasks(events, 'example_etl').filter((t) => t.state === 'up_for_retry');
    expect(retries.length).toBeGreaterThan(0);
    expect(runs.filter((r) => r.state === 'success').length / runs.length).toBeGreaterThanOrEqual(0.97);
    expect(runs.filter((r) => r.state === 'success').every((r) => r.rowsProcessed > 0 && r.bytesWritten > 0)).toBe(true);
  });

  test('GIVEN the fail scenario WHEN the next run executes THEN its first task fails all three tries, the rest are upstream_failed and the run fails', () => {
    const { runFor, set, sim } = simulation();
    runFor(HOUR);
    const lastSuccess = lastSuccessFinishedMs(sim, 'example_etl');
    set({ dagId: 'example_etl', kind: 'fail' });
    const events = runFor(HOUR);
    expect(tasks(events, 'example_etl').map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ['extract', 'up_for_retry', 1],
      ['extract', 'up_for_retry', 2],
      ['extract', 'failed', 3],
      ['transform', 'upstream_failed', 1],
      ['load', 'upstream_failed', 1],
    ]);
    expect(runsFinished(events, 'example_etl')).toEqual([expect.objectContaining({ state: 'failed', failedTaskId: 'extract', taskRetries: 2, rowsProcessed: 0, scenario: 'fail' })]);
    expect(lastSuccessFinishedMs(sim, 'example_etl')).toBe(lastSuccess);
  });

  test('GIVEN the slow scenario WHEN runs pass THEN they take about four times as long as healthy ones; WHEN recovered THEN durations return', () => {
    const { runFor, set, scenarios } = simulation();
    const healthy = runsFinished(runFor(24 * HOUR), 'datalake_ingest').map((r) => r.durationSeconds);
    set({ dagId: 'datalake_ingest', kind: 'slow' });
    const slow = runsFinished(runFor(24 * HOUR), 'datalake_ingest').map((r) => r.durationSeconds);
    scenarios.clear('datalake_ingest');
    const recovered = runsFinished(runFor(24 * HOUR), 'datalake_ingest').map((r) => r.durationSeconds);
    expect(median(slow) / median(healthy)).toBeGreaterThan(3);
    expect(median(slow) / median(healthy)).toBeLessThan(5.5);
    expect(median(recovered) / median(healthy)).toBeLessThan(1.5);
  });

  test('GIVEN a run slower than its schedule interval WHEN the next fire time comes THEN that run waits, its schedule delay shows the wait, and missed intervals are not caught up', () => {
    const { runFor, set } = simulation();
    set({ dagId: 'example_etl', kind: 'slow', factor: 15 }); // about 3 hours per run
    const started = runsStarted(runFor(12 * HOUR), 'example_etl');
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(started.length).toBeLessThanOrEqual(6);
    expect(Math.max(...started.slice(1).map((r) => r.scheduleDelaySeconds))).toBeGreaterThan(30 * 60);
  });

  test('GIVEN the stale scenario WHEN hours pass THEN no run starts and the last success stops moving; WHEN recovered THEN the next fire time runs again', () => {
    const { runFor, set, scenarios, sim } = simulation();
    runFor(HOUR);
    set({ dagId: 'datalake_ingest', kind: 'stale' });
    runFor(10 * 60_000); // let a run already in progress finish
    const lastSuccess = lastSuccessFinishedMs(sim, 'datalake_ingest');
    expect(runsStarted(runFor(5 * HOUR), 'datalake_ingest')).toHaveLength(0);
    expect(lastSuccessFinishedMs(sim, 'datalake_ingest')).toBe(lastSuccess);
    scenarios.clear('datalake_ingest');
    const resumed = runsStarted(runFor(HOUR), 'datalake_ingest');
    expect(resumed).toHaveLength(1);
    expect(resumed[0].scheduleDelaySeconds).toBeLessThan(60);
  });

  test('GIVEN the dq_drop scenario WHEN data_quality runs THEN it succeeds but its checks fail below their minimum completeness with many schema violations; WHEN recovered THEN checks pass', () => {
    const { runFor, set, scenarios } = simulation();
    const minimum = new Map(EXAMPLE_PIPELINES.find((p) => p.dagId === 'data_quality')!.dataQualityChecks!.map((c) => [c.name, c.minCompleteness!]));
    set({ dagId: 'data_quality', kind: 'dq_drop' });
    const dropped = runsFinished(runFor(3 * HOUR), 'data_quality');
    scenarios.clear('data_quality');
    const recovered = runsFinished(runFor(3 * HOUR), 'data_quality');
    expect(dropped.length).toBeGreaterThan(0);
    for (const run of dropped) {
      expect(run.state).toBe('success');
      expect(run.dataQuality.map((r) => r.check).sort()).toEqual([...minimum.keys()].sort());
      for (const result of run.dataQuality) {
        expect(result.passed).toBe(false);
        expect(result.completeness).toBeLessThan(minimum.get(result.check)!);
        expect(result.schemaViolations).toBeGreaterThanOrEqual(50);
      }
    }
    for (const result of recovered.flatMap((r) => r.dataQuality)) {
      expect(result.passed).toBe(true);
      expect(result.completeness).toBeGreaterThanOrEqual(minimum.get(result.check)!);
    }
  });

  test('GIVEN pipeline time passing WHEN the platform is stepped THEN the scheduler and triggerer beat every 5 seconds', () => {
    const { sim } = simulation();
    const beats = sim.advanceTo(TEST_START_MS + 60_000).filter((e) => e.kind === 'heartbeats');
    expect(beats).toEqual([{ kind: 'heartbeats', scheduler: 12, triggerer: 12 }]);
  });

  test('GIVEN tasks running WHEN a snapshot is taken THEN pool and executor slots account for them', () => {
    const { sim } = simulation();
    sim.advanceTo(TEST_START_MS + HOUR + 30_000); // datalake_ingest's first task is running
    const { pool, executor } = sim.snapshot().airflow;
    expect(pool.running).toBe(1);
    expect(pool.open + pool.running).toBe(128);
    expect(executor.running).toBe(1);
    expect(executor.open + executor.running).toBe(32);
  });

  test('GIVEN a simulation that has just started THEN every pipeline already has a last success from before the start, as if Airflow had been running', () => {
    const { sim } = simulation();
    for (const { lastSuccess } of sim.snapshot().dags) {
      const atMs = lastSuccess!.finishedAtMs;
      expect(atMs).toBeLessThanOrEqual(TEST_START_MS);
      expect(atMs).toBeGreaterThan(TEST_START_MS - 26 * HOUR);
    }
  });

  test('GIVEN two pipelines with the same dagId WHEN simulated THEN construction fails naming it', () => {
    expect(() => simulation('x', [EXAMPLE_PIPELINES[0], EXAMPLE_PIPELINES[0]])).toThrow(/duplicate dagId\(s\) datalake_ingest/);
  });
});

describe('syntheticPipelines', () => {
  test('GIVEN a count and a seed WHEN generated twice THEN the same valid, distinct specs come back', () => {
    const specs = syntheticPipelines(200, 'bench');
    expect(JSON.stringify(syntheticPipelines(200, 'bench'))).toBe(JSON.stringify(specs));
    expect(new Set(specs.map((s) => s.dagId)).size).toBe(200);
    expect(specs.some((s) => (s.dataQualityChecks ?? []).length > 0)).toBe(true);
    for (const spec of specs) expect(spec.tasks.length).toBeGreaterThanOrEqual(2);
  });

  test('GIVEN synthetic pipelines WHEN simulated for a day THEN every one of them runs', () => {
    const specs = syntheticPipelines(50, 'run');
    const { runFor, events } = simulation('run', specs);
    runFor(25 * HOUR);
    expect(new Set(runsStarted(events).map((r) => r.dagId)).size).toBe(50);
  });
});

describe('pipeline specs the simulator cannot run', () => {
  test('GIVEN a pipeline with a schedule that is not cron WHEN simulated THEN the error names the pipeline and the fix', () => {
    const spec = { ...EXAMPLE_PIPELINES[0], dagId: 'odd', schedule: '@once' };
    expect(() => simulation('x', [spec])).toThrow(/^pipeline "odd": schedule "@once" is not a recurring schedule/);
  });

  test('GIVEN a pipeline without tasks WHEN simulated THEN the error names the pipeline', () => {
    expect(() => simulation('x', [{ ...EXAMPLE_PIPELINES[0], dagId: 'empty', tasks: [] }])).toThrow('pipeline "empty" has no tasks');
  });
});
