import { metricFamily } from '../../content/metrics/catalog';
import { SIMULATED_FAMILIES, SimulatorMetrics } from '../../metrics-app/src/metrics';
import { parseExposition, sampleValue } from './support/exposition';
import { populatedApp, testApp } from './support/app';

/** The families the simulator serves, as Airflow behind the stack's statsd mapping, the Airflow exporter and pipewatch's own exporters name them. */
const SIMULATED: [name: string, type: string, labels: string[]][] = [
  ['airflow_dagrun_duration', 'summary', ['dag_id']],
  ['airflow_dagrun_failed', 'summary', ['dag_id']],
  ['airflow_dagrun_schedule_delay', 'summary', ['dag_id']],
  ['airflow_dagrun_dependency_check', 'summary', ['dag_id']],
  ['airflow_task_duration', 'summary', ['dag_id', 'task_id']],
  ['airflow_ti_finish', 'counter', ['dag_id', 'task_id', 'state']],
  ['airflow_operator_successes', 'counter', ['operator']],
  ['airflow_operator_failures', 'counter', ['operator']],
  ['airflow_scheduler_heartbeat', 'counter', ['type']],
  ['airflow_pool_open_slots', 'gauge', ['pool']],
  ['airflow_pool_running_slots', 'gauge', ['pool']],
  ['airflow_pool_starving_tasks', 'gauge', ['pool']],
  ['airflow_executor_open_slots', 'gauge', []],
  ['airflow_executor_queued_tasks', 'gauge', []],
  ['airflow_executor_running_tasks', 'gauge', []],
  ['airflow_dag_processing_last_run_seconds_ago', 'gauge', ['dag_file']],
  ['airflow_ti_failures', 'counter', []],
  ['airflow_ti_successes', 'counter', []],
  ['airflow_triggerer_heartbeat', 'counter', []],
  ['airflow_triggers_running', 'gauge', []],
  ['airflow_dag_processing_import_errors', 'gauge', []],
  ['airflow_dag_processing_total_parse_time', 'gauge', []],
  ['airflow_scheduler_tasks_starving', 'gauge', []],
  ['airflow_scheduler_tasks_executable', 'gauge', []],
  ['pipewatch_pipeline_rows_processed_total', 'counter', ['dag_id']],
  ['pipewatch_dq_checks_passed_total', 'counter', ['dag_id', 'check']],
  ['pipewatch_dq_checks_failed_total', 'counter', ['dag_id', 'check']],
  ['pipewatch_dq_completeness_ratio', 'gauge', ['dag_id', 'dataset']],
  ['pipewatch_dq_schema_violations_total', 'counter', ['dag_id', 'dataset']],
  ['pipewatch_datalake_space_used_bytes', 'gauge', ['zone']],
  ['pipewatch_datalake_accesses_total', 'counter', ['zone', 'operation']],
  ['pipewatch_warehouse_response_time_seconds', 'histogram', ['warehouse']],
  ['pipewatch_warehouse_records_processed_total', 'counter', ['warehouse', 'table']],
  ['pipewatch_business_kpi_value', 'gauge', ['kpi']],
  ['pipewatch_dag_last_success_interval_end_seconds', 'gauge', ['dag_id']],
  ['pipewatch_dag_last_finished_interval_end_seconds', 'gauge', ['dag_id']],
  ['pipewatch_dag_last_run_failed', 'gauge', ['dag_id']],
  ['pipewatch_dag_runs_finished_total', 'counter', ['dag_id', 'state']],
  ['pipewatch_dag_runs_active', 'gauge', ['dag_id', 'state']],
  ['pipewatch_dag_paused', 'gauge', ['dag_id']],
  ['pipewatch_task_running_since_seconds', 'gauge', ['dag_id', 'task_id']],
  ['pipewatch_airflow_db_up', 'gauge', []],
  ['pipewatch_airflow_db_query_duration_seconds', 'gauge', []],
  ['pipewatch_simulator_history_write_errors_total', 'counter', []],
  ['pipewatch_simulator_history_buffered_rows', 'gauge', []],
  ['pipewatch_simulator_history_dropped_rows_total', 'counter', []],
];

describe('simulator metrics registry', () => {
  test('GIVEN the metric catalog WHEN the registry is built THEN it holds exactly the simulated families, with their type and labels', async () => {
    const { registry } = new SimulatorMetrics();
    const registered = (await registry.getMetricsAsJSON()).map((m) => [m.name, m.type, (registry.getSingleMetric(m.name) as unknown as { labelNames: string[] }).labelNames]);
    expect(registered).toEqual(SIMULATED);
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

  test('GIVEN time compression of 60 WHEN a stale pipeline has not succeeded for hours of pipeline time THEN now minus its last success interval end is that pipeline-time age', async () => {
    const { app, clock } = testApp({ timeScale: 60 });
    app.scenarios.set({ dagId: 'ml_pipeline', kind: 'stale' });
    app.runner.step();
    const before = await lastSuccessAgeSeconds(app.metrics, clock.nowMs());
    clock.advance(5 * 60_000); // five real minutes: five pipeline hours
    app.runner.step();
    expect((await lastSuccessAgeSeconds(app.metrics, clock.nowMs())) - before).toBeCloseTo(5 * 3600, 3);
  });

  test('GIVEN the dotted finance.daily_revenue WHEN its 03:30 run has been played THEN every family keeps dag_id whole, and its DAG file is finance_daily_revenue', async () => {
    const text = await populatedApp().app.metrics.render();
    const dag = { dag_id: 'finance.daily_revenue' };
    expect(sampleValue(text, 'airflow_dagrun_duration_count', dag)).toBe(1);
    expect(sampleValue(text, 'airflow_ti_finish', { ...dag, task_id: 'check_orders', state: 'success' })).toBe(1);
    expect(sampleValue(text, 'airflow_task_duration_count', { ...dag, task_id: 'sum_revenue' })).toBe(1);
    expect(sampleValue(text, 'pipewatch_dq_checks_passed_total', { ...dag, check: 'orders_priced' })).toBe(1);
    expect(sampleValue(text, 'pipewatch_dag_runs_finished_total', { ...dag, state: 'success' })).toBe(1);
    expect(sampleValue(text, 'airflow_dag_processing_last_run_seconds_ago', { dag_file: 'finance_daily_revenue' })).toBeGreaterThanOrEqual(0);
    expect(text).not.toMatch(/dag_id="finance"|daily_revenue_/);
  });

  test('GIVEN a name outside the simulated catalog or the wrong type WHEN looked up THEN the error says how to fix it', () => {
    const metrics = new SimulatorMetrics();
    expect(() => metrics.counter('pg_up')).toThrow(/not simulated: add it to content\/metrics\/catalog.ts/);
    expect(() => metrics.gauge('airflow_ti_finish')).toThrow(/is a counter in the catalog, not a gauge/);
  });
});

async function lastSuccessAgeSeconds(metrics: SimulatorMetrics, wallNowMs: number): Promise<number> {
  const gauge = await metrics.gauge('pipewatch_dag_last_success_interval_end_seconds').get();
  const value = gauge.values.find((v) => v.labels.dag_id === 'ml_pipeline')!.value;
  return wallNowMs / 1000 - value;
}
