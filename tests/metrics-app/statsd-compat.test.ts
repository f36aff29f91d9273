import { METRIC_CATALOG } from '../../content/metrics/catalog';
import { statsdMapping } from '../../content/metrics/statsd-mapping';
import { SIMULATED_FAMILIES } from '../../metrics-app/src/metrics';
import { ExposedFamily, parseExposition } from './support/exposition';
import { populatedApp } from './support/app';
import { arrivesThroughStatsd, statsdLineFor } from './support/statsd-lines';
import { testTool } from '../support/tools';
import { StatsdExporter } from './support/statsd-exporter';

/**
 * The simulator claims to look like Airflow behind statsd_exporter. This runs
 * the real exporter with the stack's mapping, feeds it the StatsD lines Airflow
 * and the DAG helpers send, and compares what both publish.
 */
describe('simulator versus statsd_exporter v0.28.0 with the stack mapping', () => {
  const statsdFamilies = METRIC_CATALOG.filter(arrivesThroughStatsd);
  let exporter: StatsdExporter | undefined;
  let exporterText: string;
  let simulatorText: string;
  let fromExporter: Map<string, ExposedFamily>;
  let fromSimulator: Map<string, ExposedFamily>;

  beforeAll(async () => {
    // A missing binary fails every test here, naming scripts/install-test-tools.sh.
    const binary = testTool('statsd_exporter');
    exporter = await StatsdExporter.start(binary, statsdMapping());
    await exporter.send(statsdFamilies.map(statsdLineFor));
    exporterText = await exporter.scrape();
    simulatorText = await populatedApp().app.metrics.render();
    fromExporter = parseExposition(exporterText);
    fromSimulator = parseExposition(simulatorText);
  });

  afterAll(async () => {
    await exporter?.stop();
  });

  test('GIVEN the catalog WHEN listing the StatsD-borne families THEN all of them are simulated', () => {
    const simulated = new Set(SIMULATED_FAMILIES.map((f) => f.name));
    expect(statsdFamilies.length).toBeGreaterThan(20);
    expect(statsdFamilies.filter((f) => !simulated.has(f.name)).map((f) => f.name)).toEqual([]);
  });

  test.each(METRIC_CATALOG.filter(arrivesThroughStatsd).map((f) => [f.name, statsdLineFor(f)]))(
    'GIVEN Airflow sends %s as "%s" WHEN both are scraped THEN the simulator publishes the same family name, type and label names as statsd_exporter',
    (name) => {
      const real = fromExporter.get(name);
      expect(real).toBeDefined();
      const simulated = fromSimulator.get(name);
      expect({ type: simulated?.type, labels: simulated?.labels }).toEqual({ type: real!.type, labels: real!.labels });
    },
  );

  test('GIVEN a task inside a TaskGroup (its task id carries the group) WHEN Airflow reports it THEN dag_id and the whole task id are labels', async () => {
    await exporter!.send([
      'airflow.dag.example_etl.load.write_parquet.duration:2500|ms',
      'airflow.ti.finish.example_etl.load.write_parquet.success:1|c',
      'airflow.dag.example_etl.load.write_parquet.scheduled_duration:10|ms',
    ]);
    const text = await exporter!.scrape();
    expect(text).toMatch(/^airflow_task_duration_count\{dag_id="example_etl",task_id="load\.write_parquet"\} 1$/m);
    expect(text).toMatch(/^airflow_ti_finish\{dag_id="example_etl",state="success",task_id="load\.write_parquet"\} 1$/m);
    expect(text).not.toMatch(/^airflow_task_duration.*scheduled/m);
  });

  test('GIVEN a StatsD timer WHEN statsd_exporter publishes it THEN it has the quantiles the simulator uses', () => {
    const quantiles = (text: string) => [...new Set([...text.matchAll(/^airflow_dagrun_duration\{.*quantile="([^"]+)".*$/gm)].map((m) => m[1]))];
    expect(quantiles(exporterText)).toEqual(['0.5', '0.9', '0.99']);
    expect(quantiles(simulatorText)).toEqual(quantiles(exporterText));
  });
});
