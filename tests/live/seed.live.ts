import { Simulation } from '../../metrics-app/src/model/simulation';
import { LIVE_PIPELINES } from './harness/live-configs';
import { LIVE_SEED } from './harness/stack';

/**
 * The tier relies on its seed: a pipeline fails only when a test says so. A
 * random failure upstream would inhibit the downstream alert a test waits
 * for. Run outcomes depend on the seed and the order of runs, not on when
 * the simulator starts, so a few start times stand for all.
 */
describe('GIVEN the live tier seed', () => {
  test.each([0, 0.25, 13.6])('WHEN the example pipelines run 60 hours without scenarios from %f h past midnight THEN no run fails', (startHours) => {
    const startMs = Date.UTC(2026, 0, 5) + startHours * 3_600_000;
    const simulation = new Simulation({ pipelines: LIVE_PIPELINES, seed: LIVE_SEED, startMs, scenarios: { get: () => undefined } });
    const finished = simulation.advanceTo(startMs + 60 * 3_600_000).flatMap((e) => (e.kind === 'run_finished' ? [e.run] : []));
    expect(finished.length).toBeGreaterThan(150);
    expect(finished.filter((run) => run.state === 'failed').map((run) => `${run.dagId} ${run.runId}`)).toEqual([]);
  });
});
