import { Metric, Registry } from 'prom-client';
import { ManualClock } from '../../metrics-app/src/clock';
import { WindowedSummary } from '../../metrics-app/src/windowed-summary';

function summary(maxObservations = 1000) {
  const clock = new ManualClock(0);
  const metric = new WindowedSummary({
    name: 'task_duration',
    help: 'Task duration',
    labelNames: ['dag_id'],
    percentiles: [0.5, 0.9, 0.99],
    maxAgeSeconds: 600,
    maxObservations,
    now: () => clock.nowMs(),
  });
  const registry = new Registry();
  registry.registerMetric(metric as unknown as Metric<string>);
  return { clock, metric, registry };
}

describe('WindowedSummary', () => {
  test('GIVEN observations 1 to 100 WHEN rendered by a prom-client registry THEN the quantiles are exact nearest-rank values with _sum and _count', async () => {
    const { metric, registry } = summary();
    for (let v = 100; v >= 1; v--) metric.observe({ dag_id: 'etl' }, v);
    expect((await registry.metrics()).split('\n')).toEqual([
      '# HELP task_duration Task duration',
      '# TYPE task_duration summary',
      'task_duration{dag_id="etl",quantile="0.5"} 50',
      'task_duration{dag_id="etl",quantile="0.9"} 90',
      'task_duration{dag_id="etl",quantile="0.99"} 99',
      'task_duration_sum{dag_id="etl"} 5050',
      'task_duration_count{dag_id="etl"} 100',
      '',
    ]);
  });

  test('GIVEN observations older than the 10-minute window WHEN rendered THEN quantiles are NaN, as in statsd_exporter, while _sum and _count stay cumulative', async () => {
    const { metric, registry, clock } = summary();
    metric.observe({ dag_id: 'etl' }, 4);
    clock.advance(300_000);
    metric.observe({ dag_id: 'etl' }, 8);
    clock.advance(301_000);
    expect(await registry.metrics()).toContain('task_duration{dag_id="etl",quantile="0.5"} 8\n');
    clock.advance(300_000);
    const text = await registry.metrics();
    expect(text).toContain('task_duration{dag_id="etl",quantile="0.5"} Nan\n');
    expect(text).toContain('task_duration_sum{dag_id="etl"} 12\n');
    expect(text).toContain('task_duration_count{dag_id="etl"} 2\n');
  });

  test('GIVEN more observations in the window than it keeps WHEN rendered THEN quantiles cover the newest ones', async () => {
    const { metric } = summary(10);
    for (let v = 1; v <= 50; v++) metric.observe({ dag_id: 'etl' }, v);
    const { values } = await metric.get();
    expect(values.filter((v) => v.labels.quantile !== undefined).map((v) => v.value)).toEqual([45, 49, 50]);
    expect(values.find((v) => v.metricName === 'task_duration_count')!.value).toBe(50);
  });

  test('GIVEN the wrong label names WHEN observing THEN it fails naming the labels it takes', () => {
    expect(() => summary().metric.observe({ dag: 'etl' }, 1)).toThrow('task_duration takes labels dag_id, got dag');
  });
});
