import { METRIC_CATALOG, metricFamily } from '../../content/metrics/catalog';
import { SIMULATED_FAMILIES, SIMULATED_SOURCES, SimulatorMetrics } from '../../metrics-app/src/metrics';
import { parseExposition } from './support/exposition';
import { populatedApp, testApp } from './support/app';

describe('simulator metrics registry', () => {
  test('GIVEN the metric catalog WHEN the registry is built THEN it holds exactly the simulated families, with the catalog\'s type, help and labels', async () => {
    const { registry } = new SimulatorMetrics();
    const registered = (await registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: m.type, help: m.help }));
    const expected = METRIC_CATALOG.filter((f) => SIMULATED_SOURCES.includes(f.source)).map((f) => ({ name: f.name, type: f.type, help: f.help }));
    expect(registered).toEqual(expected);
    for (const family of SIMULATED_FAMILIES) {
      expect((registry.getSingleMetric(family.name) as unknown as { labelNames: string[] }).labelNames).toEqual(family.labels);
    }
  });

  test('GIVEN a populated simulation WHEN /metrics is rendered THEN every simulated family has series with exactly its catalog labels', async () => {
    const { app } = populatedApp();
    const exposed = parseExposition(await app.metrics.render());
    for (const family of SIMULATED_FAMILIES) {
      expect({ name: family.name, type: exposed.get(family.name)?.type, labels: exposed.get(family.name)?.labels }).toEqual({
        name: family.name,
        type: family.type,
        labels: [...family.labels].sort(),
      });
      expect({ name: family.name, hasSeries: exposed.get(family.name)!.samples > 0 }).toEqual({ name: family.name, hasSeries: true });
    }
  });

  test('GIVEN a summary family WHEN rendered THEN it carries statsd_exporter\'s quantiles 0.5, 0.9 and 0.99 plus _sum and _count', async () => {
    const { app } = populatedApp();
    const text = await app.metrics.render();
    const lines = text.split('\n').filter((l) => l.startsWith('airflow_dagrun_duration') && l.includes('dag_id="datalake_ingest"'));
    expect(lines.map((l) => /quantile="([^"]+)"/.exec(l)?.[1] ?? l.split('{')[0])).toEqual(['0.5', '0.9', '0.99', 'airflow_dagrun_duration_sum', 'airflow_dagrun_duration_count']);
  });

  test('GIVEN the scheduler heartbeat WHEN rendered THEN its type label is the literal from the catalog\'s statsd mapping', async () => {
    const { app } = populatedApp();
    const literal = metricFamily('airflow_scheduler_heartbeat').statsd!.labelValues!.type;
    expect(await app.metrics.render()).toMatch(new RegExp(`^airflow_scheduler_heartbeat\\{type="${literal}"\\} \\d+$`, 'm'));
  });

  test('GIVEN time compression of 60 WHEN a stale pipeline has not succeeded for hours of pipeline time THEN now minus its last-success timestamp is that pipeline-time age', async () => {
    const { app, clock } = testApp({ timeScale: 60 });
    app.scenarios.set({ dagId: 'ml_pipeline', kind: 'stale' });
    app.runner.step();
    const before = await lastSuccessAgeSeconds(app.metrics, clock.nowMs());
    clock.advance(5 * 60_000); // five real minutes: five pipeline hours
    app.runner.step();
    expect((await lastSuccessAgeSeconds(app.metrics, clock.nowMs())) - before).toBeCloseTo(5 * 3600, 3);
  });

  test('GIVEN a name outside the simulated catalog or the wrong type WHEN looked up THEN the error says how to fix it', () => {
    const metrics = new SimulatorMetrics();
    expect(() => metrics.counter('pg_up')).toThrow(/not simulated: add it to content\/metrics\/catalog.ts/);
    expect(() => metrics.gauge('airflow_ti_finish')).toThrow(/is a counter in the catalog, not a gauge/);
  });
});

async function lastSuccessAgeSeconds(metrics: SimulatorMetrics, wallNowMs: number): Promise<number> {
  const gauge = await metrics.gauge('pipewatch_pipeline_last_success_timestamp_seconds').get();
  const value = gauge.values.find((v) => v.labels.dag_id === 'ml_pipeline')!.value;
  return wallNowMs / 1000 - value;
}
