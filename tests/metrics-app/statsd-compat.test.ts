import { METRIC_CATALOG } from '../../content/metrics/catalog';
import { statsdMapping } from '../../content/metrics/statsd-mapping';
import { SIMULATED_FAMILIES } from '../../metrics-app/src/metrics';
import { ExposedFamily, parseExposition, sampleValue } from './support/exposition';
import { populatedApp } from './support/app';
import { arrivesThroughStatsd, statsdLineFor } from './support/statsd-lines';
import { testTool } from '../support/tools';
import { StatsdExporter } from './support/statsd-exporter';

/**
 * The simulator claims to look like Airflow behind statsd_exporter. This runs
 * the real exporter with the stack's mapping, feeds it the StatsD lines Airflow
 * and the DAG helpers send, and compares what both publish.
 */
describe('simulator versus statsd_exporter with the stack mapping', () => {
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

  test('GIVEN a dotted dag id and a task inside a TaskGroup WHEN Airflow 3.1.8 reports a try with tags on THEN dag_id and task_id are whole labels and each measurement counts once', async () => {
    // What Airflow sends for one successful try and run with statsd_influxdb_enabled: each legacy line, then its tagged twin.
    await exporter!.send([
      'airflow.dag.finance.daily_revenue.load.write_parquet.duration:2500|ms',
      'airflow.task.duration,dag_id=finance.daily_revenue,task_id=load.write_parquet:2500|ms',
      'airflow.ti.finish.finance.daily_revenue.load.write_parquet.success,dag_id=finance.daily_revenue,task_id=load.write_parquet:1|c',
      'airflow.ti.finish,dag_id=finance.daily_revenue,task_id=load.write_parquet,state=success:1|c',
      'airflow.dag.finance.daily_revenue.load.write_parquet.scheduled_duration:10|ms',
      'airflow.dagrun.duration.success.finance.daily_revenue,dag_id=finance.daily_revenue,run_type=scheduled:60000|ms',
      'airflow.dagrun.duration.success,dag_id=finance.daily_revenue,run_type=scheduled:60000|ms',
      'airflow.operator_successes_PythonOperator,dag_id=finance.daily_revenue,task_id=load.write_parquet:1|c',
      'airflow.operator_successes,dag_id=finance.daily_revenue,task_id=load.write_parquet,operator=PythonOperator:1|c',
    ]);
    const text = await exporter!.scrape();
    expect(sampleValue(text, 'airflow_task_duration_count', { dag_id: 'finance.daily_revenue', task_id: 'load.write_parquet' })).toBe(1);
    expect(sampleValue(text, 'airflow_ti_finish', { dag_id: 'finance.daily_revenue', state: 'success', task_id: 'load.write_parquet' })).toBe(1);
    expect(sampleValue(text, 'airflow_dagrun_duration_count', { dag_id: 'finance.daily_revenue' })).toBe(1);
    expect(sampleValue(text, 'airflow_dagrun_duration_sum', { dag_id: 'finance.daily_revenue' })).toBe(60);
    expect(sampleValue(text, 'airflow_operator_successes', { operator: 'PythonOperator' })).toBe(1);
    // The dropped legacy lines left nothing under statsd_exporter's default names.
    const defaultNames = ['airflow_dag_finance_daily_revenue_load_write_parquet_duration', 'airflow_ti_finish_finance_daily_revenue_load_write_parquet_success', 'airflow_dagrun_duration_success_finance_daily_revenue', 'airflow_operator_successes_PythonOperator'];
    expect(defaultNames.filter((name) => new RegExp(`^${name}[{ _]`, 'm').test(text))).toEqual([]);
    expect(text).not.toMatch(/^airflow_task_duration.*scheduled/m);
  });

  test('GIVEN a StatsD timer WHEN statsd_exporter publishes it THEN it has the quantiles the simulator uses', () => {
    const quantiles = (text: string) => [...new Set([...text.matchAll(/^airflow_dagrun_duration\{.*quantile="([^"]+)".*$/gm)].map((m) => m[1]))];
    expect(quantiles(exporterText)).toEqual(['0.5', '0.9', '0.99']);
    expect(quantiles(simulatorText)).toEqual(quantiles(exporterText));
  });
});
