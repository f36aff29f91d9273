import { METRIC_CATALOG, MetricSource, seriesNames } from '../../content/metrics/catalog';
import { allDashboards } from '../../dashboards/index';
import { metricsUsedByDashboards, RECORDED_THRESHOLD_SERIES } from '../../dashboards/lint';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { parseExposition } from '../metrics-app/support/exposition';
import { populatedApp } from '../metrics-app/support/app';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

/** Families the simulator stands in for; the rest come from postgres_exporter, redis_exporter, cAdvisor and the monitoring services. */
const SIMULATED: readonly MetricSource[] = ['airflow', 'pipeline', 'platform-data', 'simulator'];
const BUILTIN = new Set(['ALERTS', 'ALERTS_FOR_STATE']);
/** Recorded by the pipelines rule file from the specs, not exported by any service. */
const RECORDED = new Set(RECORDED_THRESHOLD_SERIES);

describe('GIVEN every metric name the dashboards query', () => {
  const used = metricsUsedByDashboards(allDashboards(EXAMPLE_PIPELINES));
  const family = (name: string) => METRIC_CATALOG.find((f) => seriesNames(f).includes(name));

  test('THEN each one is a catalog family (or a Prometheus built-in, or a threshold the rules record)', () => {
    const unknown = Object.entries(used).flatMap(([uid, names]) => names.filter((n) => !BUILTIN.has(n) && !RECORDED.has(n) && !family(n)).map((n) => `${uid}: ${n}`));
    expect(unknown).toEqual([]);
  });

  test('THEN the simulator, after a day of runs with a failure and a quality drop, exposes every simulated one with data', async () => {
    const { app } = populatedApp();
    const exposed = parseExposition(await app.metrics.registry.metrics());
    const simulatedUses = Object.entries(used).flatMap(([uid, names]) =>
      names
        .map((n) => family(n))
        .filter((f): f is NonNullable<typeof f> => f !== undefined && SIMULATED.includes(f.source))
        .map((f) => ({ uid, name: f.name })),
    );
    expect(new Set(simulatedUses.map((u) => u.name)).size).toBeGreaterThanOrEqual(20);
    const missing = simulatedUses.filter((u) => (exposed.get(u.name)?.samples ?? 0) === 0).map((u) => `${u.uid}: ${u.name}`);
    expect(missing).toEqual([]);
  });
});
