import { standardScrapeJobs } from '../../content/prometheus/config';
import { PipelineSpec } from '../../content/pipeline/spec';
import { expectedLinks, pipelineAlert, runbookHasSection } from './harness/expectations';
import { EXCLUDED_JOBS, LIVE_PIPELINES, NOT_RUN_LIVE } from './harness/live-configs';
import { CATALOG_PROBE_PIPELINE } from './harness/simulator';
import { LiveStack } from './harness/stack';
import { waitFor } from './harness/wait';

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

  test("WHEN Airflow's StatsD lines for a dotted dag id reach statsd-exporter, legacy and tagged THEN Prometheus holds each once under the stack mapping's names and labels", async () => {
    // Airflow 3.1.8 with statsd_influxdb_enabled: the legacy line (dropped by the mapping), then the tagged one.
    await stack.statsd.send([
      'airflow.ti.finish.live.probe.probe_task.success,dag_id=live.probe,task_id=probe_task:1|c',
      'airflow.ti.finish,dag_id=live.probe,task_id=probe_task,state=success:1|c',
      'airflow.dagrun.duration.success.live.probe,dag_id=live.probe,run_type=manual:1500|ms',
      'airflow.dagrun.duration.success,dag_id=live.probe,run_type=manual:1500|ms',
    ]);
    const selector = '{job="statsd-exporter", dag_id="live.probe"}';
    const [finished, runs] = await waitFor(
      'Prometheus has scraped the mapped StatsD series',
      async () => {
        const result = await Promise.all([stack.prometheus.query(`airflow_ti_finish${selector}`), stack.prometheus.query(`airflow_dagrun_duration_count${selector}`)]);
        return result.every((r) => r.length > 0) && result;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    expect(finished.map((r) => r.metric)).toEqual([{ __name__: 'airflow_ti_finish', job: 'statsd-exporter', instance: finished[0].metric.instance, dag_id: 'live.probe', task_id: 'probe_task', state: 'success' }]);
    expect(finished[0].value).toBe(1);
    // No run_type: the mapping removes the tag, so the label set is the one the rules group by.
    expect(runs.map((r) => Object.keys(r.metric).sort())).toEqual([['__name__', 'dag_id', 'instance', 'job']]);
    expect(runs[0].value).toBe(1);
  });
});

describe('GIVEN datalake_ingest, hourly with a 30-minute deadline and no upstream whose alerts could inhibit its own', () => {
  const spec = (): PipelineSpec => LIVE_PIPELINES.find((p) => p.dagId === 'datalake_ingest')!;

  beforeAll(async () => {
    await stack.simulator.setScenario(spec().dagId, 'stale');
    // Two hours without a run: the interval after the last successful one is past its deadline.
    await stack.simulator.advanceHours(2);
  });

  test('WHEN it stops running THEN PipelineDeadlineMissed reaches its owner team with its labels and links', async () => {
    const alert = await stack.receiver.waitFor(pipelineAlert('PipelineDeadlineMissed', spec().dagId), 2 * MINUTE, `PipelineDeadlineMissed for ${spec().dagId}`);
    expect(alert.receiver).toBe('team-data-platform');
    expect(alert.labels).toMatchObject({ alertname: 'PipelineDeadlineMissed', dag_id: 'datalake_ingest', team: 'data-platform', severity: 'critical' });
    expect(alert.annotations).toMatchObject(expectedLinks('PipelineDeadlineMissed', 'slaFreshness', 'datalake_ingest'));
    expect(runbookHasSection('PipelineDeadlineMissed')).toBe(true);
  });
});
