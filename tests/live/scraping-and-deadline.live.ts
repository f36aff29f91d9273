import { standardScrapeJobs } from '../../content/prometheus/config';
import { PipelineSpec } from '../../content/pipeline/spec';
import { chooseDeadlinePipeline } from './harness/deadline-window';
import { expectedLinks, ownerReceiver, pipelineAlert, runbookHasSection } from './harness/expectations';
import { EXCLUDED_JOBS, LIVE_PIPELINES, NOT_RUN_LIVE } from './harness/live-configs';
import { CATALOG_PROBE_PIPELINE } from './harness/simulator';
import { LiveStack } from './harness/stack';
import { sleep, waitFor } from './harness/wait';

const MINUTE = 60_000;

let stack: LiveStack;

beforeAll(async () => {
  stack = await LiveStack.start({ name: 'deadline' });
  await stack.waitUntilScraping();
}, 3 * MINUTE);

afterAll(async () => stack?.stop(), MINUTE);

describe('GIVEN the live stack rendered from the stack functions with loopback endpoints', () => {
  test('WHEN Prometheus scrapes THEN every scrape job of the stack is up except those of the services the tier does not run', async () => {
    const expected = standardScrapeJobs(stack.endpoints)
      .map((j) => j.job)
      .filter((job) => !EXCLUDED_JOBS.includes(job))
      .sort();
    const targets = await stack.prometheus.targets();
    expect(targets.map((t) => t.job).sort()).toEqual(expected);
    expect(targets.filter((t) => t.health !== 'up')).toEqual([]);
    console.log(`scrape jobs not run live:\n${Object.entries(NOT_RUN_LIVE).map(([service, why]) => `  ${service}: ${why}`).join('\n')}`);
  });

  test('WHEN the simulator serves /metrics THEN it plays the catalog file rendered for it, with a pipeline pipelines.yaml lacks', async () => {
    const dagIds = new Set([...(await stack.simulator.metrics()).matchAll(/dag_id="([^"]+)"/g)].map((m) => m[1]));
    expect([...dagIds]).toEqual(expect.arrayContaining([...LIVE_PIPELINES.map((p) => p.dagId), CATALOG_PROBE_PIPELINE.dagId]));
  });

  test("WHEN Airflow-style StatsD lines reach statsd-exporter THEN Prometheus holds them under the stack mapping's names and labels", async () => {
    await stack.statsd.send(['airflow.ti.finish.live_probe.probe_task.success:1|c', 'airflow.dagrun.duration.success.live_probe:1500|ms']);
    const selector = '{job="statsd-exporter", dag_id="live_probe"}';
    const [finished, runs] = await waitFor(
      'Prometheus has scraped the mapped StatsD series',
      async () => {
        const result = await Promise.all([stack.prometheus.query(`airflow_ti_finish${selector}`), stack.prometheus.query(`airflow_dagrun_duration_count${selector}`)]);
        return result.every((r) => r.length > 0) && result;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(finished[0].metric).toMatchObject({ task_id: 'probe_task', state: 'success' });
    expect(finished[0].value).toBe(1);
    expect(runs[0].value).toBe(1);
  });
});

describe('GIVEN a pipeline whose deadline has passed on the wall clock (the deadline rule computes due times from time())', () => {
  let spec: PipelineSpec;

  beforeAll(async () => {
    const choice = chooseDeadlinePipeline(LIVE_PIPELINES, Date.now());
    spec = choice.spec;
    if (choice.waitMs > 0) {
      console.log(`no deadline window is open now; waiting ${Math.round(choice.waitMs / 1000)}s for the one of ${spec.dagId}`);
      await sleep(choice.waitMs);
    }
    console.log(`making ${spec.dagId} late (schedule "${spec.schedule}", deadline ${spec.deadline})`);
    await stack.simulator.setScenario(spec.dagId, 'stale');
    // Whole hours past the run due last: its success (if any) now predates the due time.
    await stack.simulator.advanceHours(Math.max(1, Math.ceil(spec.expectedDuration.toSeconds() / 3600)));
  }, 25 * MINUTE);

  test('WHEN it stops running THEN PipelineDeadlineMissed reaches its owner team with its labels and links', async () => {
    const alert = await stack.receiver.waitFor(pipelineAlert('PipelineDeadlineMissed', spec.dagId), 2 * MINUTE, `PipelineDeadlineMissed for ${spec.dagId}`);
    expect(alert.receiver).toBe(ownerReceiver(spec.dagId));
    expect(alert.labels).toMatchObject({ alertname: 'PipelineDeadlineMissed', dag_id: spec.dagId, team: spec.ownerTeam, severity: spec.severity?.deadlineMissed ?? 'critical' });
    expect(alert.annotations).toMatchObject(expectedLinks('PipelineDeadlineMissed', 'slaFreshness', spec.dagId));
    expect(runbookHasSection('PipelineDeadlineMissed')).toBe(true);
  });
});
