/**
 * The live Airflow check (airflow-metrics.live.ts) compares Airflow's metrics
 * with what these functions read from the rules and dashboards; this keeps
 * that reading honest without starting Airflow.
 */
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { mismatches, seenFamilies, specDomains } from './live-families';
import { airflowFamiliesUsedByMonitoring, familiesUsed, selectorLabels } from './monitoring-usage';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

describe('GIVEN a PromQL expression', () => {
  test('WHEN it matches and groups by labels THEN each selector gets its matchers and the closest `by` labels', () => {
    expect(selectorLabels('sum(sum by (dag_id, task_id) (rate(airflow_task_duration_sum{dag_id=~"$dag_id"}[5m]))) and on () max(airflow_scheduler_heartbeat)')).toEqual([
      { metric: 'airflow_task_duration_sum', labels: ['dag_id', 'dag_id', 'task_id'] },
      { metric: 'airflow_scheduler_heartbeat', labels: [] },
    ]);
  });

  test('WHEN a series of a summary is read THEN the use counts for its family, and non-Airflow families are left out', () => {
    const uses = familiesUsed([{ where: 'q', expr: 'sum by (dag_id) (increase(airflow_dagrun_failed_count[1h])) + on () group_left up' }]);
    expect(uses.map((u) => [u.family.name, u.labels])).toEqual([['airflow_dagrun_failed', ['dag_id']]]);
  });
});

describe('GIVEN the example pipelines’ rules and dashboards', () => {
  const used = airflowFamiliesUsedByMonitoring(EXAMPLE_PIPELINES);
  const byName = new Map(used.map((u) => [u.family.name, u]));

  test('THEN the families read include alert-only and dashboard-only ones, with the labels grouped on', () => {
    expect(used.length).toBeGreaterThanOrEqual(20);
    expect(byName.get('airflow_ti_finish')?.labels).toEqual(['dag_id', 'state', 'task_id']);
    expect(byName.get('airflow_pool_starving_tasks')?.usedBy).toContain('rule pipewatch-airflow/AirflowPoolStarving');
    expect(byName.get('pipewatch_dq_checks_failed_total')?.labels).toEqual(['check', 'dag_id']);
  });

  test('WHEN a live series lacks a used label or carries an unknown dag id THEN the comparison says so', () => {
    const domains = specDomains(EXAMPLE_PIPELINES);
    const seen = seenFamilies([
      { metric: { __name__: 'airflow_ti_finish', dag_id: 'example_etl', task_id: 'load', state: 'success' }, value: 1 },
      { metric: { __name__: 'airflow_ti_finish' }, value: 3 },
      { metric: { __name__: 'airflow_dagrun_duration_count', dag_id: 'not_a_dag' }, value: 1 },
    ]);
    const problems = mismatches(used, seen, domains);
    expect(problems.find((p) => p.family === 'airflow_ti_finish')?.problem).toMatch(/1 of 2 series lack label dag_id/);
    expect(problems.find((p) => p.family === 'airflow_dagrun_duration')?.problem).toBe('dag_id values not in the pipeline specs: not_a_dag');
    expect(problems.find((p) => p.family === 'airflow_scheduler_heartbeat')?.problem).toBe('no series');
  });

  test('WHEN a tag slips through as a label the catalog does not declare, or a dotted dag id is split THEN the comparison says so', () => {
    const domains = specDomains(EXAMPLE_PIPELINES);
    const seen = seenFamilies([
      { metric: { __name__: 'airflow_dagrun_duration_count', dag_id: 'finance.daily_revenue', run_type: 'scheduled' }, value: 1 },
      { metric: { __name__: 'pipewatch_dq_checks_failed_total', dag_id: 'finance', check: 'daily_revenue' }, value: 1 },
    ]);
    const problems = mismatches(used, seen, domains);
    expect(problems.find((p) => p.family === 'airflow_dagrun_duration')?.problem).toBe('labels the catalog does not declare: run_type');
    expect(problems.find((p) => p.family === 'pipewatch_dq_checks_failed_total')?.problem).toBe('check values not in the pipeline specs: daily_revenue');
  });
});
