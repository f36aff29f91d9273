import { DashboardJson } from '../../content/grafana/dashboard-json';
import { formatIssue, LintIssue, lintDashboard, lintDashboards, metricsUsedByDashboards, RECORDED_THRESHOLD_SERIES } from '../../dashboards/lint';
import { METRIC_CATALOG, seriesNames } from '../../content/metrics/catalog';
import { EXAMPLE_DASHBOARDS, exampleDashboard, panelTitled } from './fixtures';
import { allDashboards } from '../../dashboards/index';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

function rulesOf(issues: readonly LintIssue[]): string[] {
  return issues.map((i) => i.rule);
}

describe('GIVEN every dashboard rendered from the example pipelines', () => {
  test('WHEN linted THEN there is no issue at all', () => {
    expect(lintDashboards(EXAMPLE_DASHBOARDS).map(formatIssue)).toEqual([]);
  });

  test('WHEN rendered with traces on and linted THEN there is no issue either', () => {
    expect(lintDashboards(allDashboards(loadPipelineCatalog(DEFAULT_PIPELINES_FILE), { traces: true })).map(formatIssue)).toEqual([]);
  });

  test('WHEN listing the metrics each one needs THEN every name is in the catalog, a Prometheus built-in or a threshold the pipelines rule file records', () => {
    const known = new Set([...METRIC_CATALOG.flatMap(seriesNames), 'ALERTS', 'ALERTS_FOR_STATE', 'up', ...RECORDED_THRESHOLD_SERIES]);
    const used = metricsUsedByDashboards(EXAMPLE_DASHBOARDS);
    expect(Object.keys(used).sort()).toEqual(EXAMPLE_DASHBOARDS.map((d) => d.uid).sort());
    for (const names of Object.values(used)) for (const name of names) expect(known).toContain(name);
  });

  test('WHEN listing the metrics THEN names come from selectors only, never from label values or legends', () => {
    const used = metricsUsedByDashboards(EXAMPLE_DASHBOARDS);
    expect(used['pipewatch-alerts']).toEqual(['ALERTS', 'ALERTS_FOR_STATE', 'alertmanager_notifications_failed_total', 'alertmanager_notifications_total']);
    expect(used['pipewatch-pipeline-overview']).toContain('airflow_ti_finish'); // from the dag_id variable's label_values()
    expect(Object.values(used).flat()).not.toContain('dag_id');
  });
});

describe('GIVEN a dashboard with one deliberate mistake', () => {
  let dashboard: DashboardJson;
  beforeEach(() => {
    dashboard = exampleDashboard('pipelineOverview');
  });

  test('WHEN a PromQL query does not parse THEN lint names the dashboard, panel, query and position in the written query', () => {
    panelTitled(dashboard, 'Failed runs').targets[0].expr = 'sum(rate(airflow_ti_finish{dag_id=~"$dag_id"}[$__rate_interval])';
    const issues = lintDashboard(dashboard).filter((i) => i.rule === 'promql-syntax');
    expect(issues).toEqual([
      {
        dashboard: 'Pipeline Overview',
        panel: 'Failed runs',
        rule: 'promql-syntax',
        message: 'query A: PromQL does not parse at 1:65 near `rate_interval])`',
      },
    ]);
  });

  test('WHEN the error sits after a template variable THEN the column counts the variable as written', () => {
    panelTitled(dashboard, 'Failed runs').targets[0].expr = 'sum(increase(airflow_ti_finish[$__range])) +';
    expect(lintDashboard(dashboard).find((i) => i.rule === 'promql-syntax')?.message).toMatch(/at 1:45 /);
  });

  test('WHEN a query names a metric no exporter produces THEN lint reports the name and where to add it', () => {
    panelTitled(dashboard, 'Tasks queued').targets[0].expr = 'sum(airflow_executor_queued_taskz)';
    expect(lintDashboard(dashboard)).toContainEqual({
      dashboard: 'Pipeline Overview',
      panel: 'Tasks queued',
      rule: 'unknown-metric',
      message: 'query A uses metric "airflow_executor_queued_taskz", which no exporter in content/metrics/catalog.ts produces',
    });
  });

  test('WHEN a metric is selected through __name__ THEN its name is still checked', () => {
    panelTitled(dashboard, 'Tasks queued').targets[0].expr = 'sum({__name__="made_up_metric"})';
    expect(lintDashboard(dashboard).find((i) => i.rule === 'unknown-metric')?.message).toContain('"made_up_metric"');
  });

  test('WHEN a selector has no literal metric name THEN lint says it cannot be checked', () => {
    panelTitled(dashboard, 'Tasks queued').targets[0].expr = 'sum({__name__=~"airflow_.*"})';
    expect(rulesOf(lintDashboard(dashboard))).toContain('unnamed-selector');
  });

  test('WHEN a summary is queried through its _count series THEN the name is accepted', () => {
    panelTitled(dashboard, 'Tasks queued').targets[0].expr = 'sum(airflow_task_duration_count) + sum(pipewatch_warehouse_response_time_seconds_bucket)';
    expect(lintDashboard(dashboard)).toEqual([]);
  });

  test('WHEN a numeric panel has no unit THEN lint asks for one', () => {
    delete panelTitled(dashboard, 'Active pipelines').fieldConfig.defaults.unit;
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ panel: 'Active pipelines', rule: 'missing-unit' }));
  });

  test('WHEN a panel has no title THEN lint reports it by id', () => {
    const panel = panelTitled(dashboard, 'Active pipelines');
    panel.title = '';
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ panel: `panel id ${panel.id}`, rule: 'missing-title' }));
  });

  test('WHEN neither a panel nor its queries name a datasource THEN lint reports it', () => {
    const panel = panelTitled(dashboard, 'Active pipelines');
    delete panel.datasource;
    delete panel.targets[0].datasource;
    expect(rulesOf(lintDashboard(dashboard))).toContain('missing-datasource');
  });

  test('WHEN two panels share an id THEN lint reports the id', () => {
    panelTitled(dashboard, 'Tasks queued').id = panelTitled(dashboard, 'Failed runs').id;
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ rule: 'duplicate-panel-id', message: `panel id ${panelTitled(dashboard, 'Failed runs').id} is used more than once` }));
  });

  test('WHEN two panels share a title THEN lint reports it', () => {
    panelTitled(dashboard, 'Tasks queued').title = 'Failed runs';
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ panel: 'Failed runs', rule: 'duplicate-panel-title' }));
  });

  test('WHEN a template variable is declared but never used THEN lint reports it', () => {
    (dashboard.templating as { list: unknown[] }).list.push({ type: 'custom', name: 'region', query: 'eu,us' });
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ rule: 'unused-variable', message: 'variable $region is not used by any panel, link or other variable' }));
  });

  test('WHEN the uid is not a registered dashboard uid THEN lint reports it', () => {
    dashboard.uid = 'someone-elses-dashboard';
    expect(rulesOf(lintDashboard(dashboard))).toContain('unknown-uid');
  });

  test('WHEN a link points at a dashboard uid that does not exist THEN lint reports the broken link', () => {
    (dashboard.links as { title: string; type: string; url?: string }[]).push({ title: 'Nope', type: 'link', url: '/d/pipewatch-nope?var-dag_id=x' });
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ rule: 'broken-dashboard-link', message: 'links to /d/pipewatch-nope, which is not a pipewatch dashboard' }));
  });

  test('WHEN the dag_id variable query does not parse THEN lint points at the variable', () => {
    (dashboard.templating as { list: { query: string }[] }).list[0].query = 'label_values(airflow_ti_finish{, dag_id)';
    expect(lintDashboard(dashboard)).toContainEqual(expect.objectContaining({ rule: 'promql-syntax', message: expect.stringContaining('variable $dag_id') }));
  });
});

describe('GIVEN the Logs dashboard with one deliberate mistake', () => {
  test('WHEN a LogQL query is unbalanced THEN lint reports a LogQL syntax error with its position', () => {
    const dashboard = exampleDashboard('logs');
    panelTitled(dashboard, 'Task logs').targets[0].expr = '{job="airflow-tasks", dag_id=~"$dag_id"';
    expect(lintDashboard(dashboard)).toContainEqual({
      dashboard: 'Logs',
      panel: 'Task logs',
      rule: 'logql-syntax',
      message: 'query A: LogQL does not parse at 1:40 near `g_id=~"$dag_id"`',
    });
  });

  test('WHEN a query is empty THEN lint reports it instead of parsing nothing', () => {
    const dashboard = exampleDashboard('logs');
    panelTitled(dashboard, 'Task logs').targets[0].expr = '  ';
    expect(rulesOf(lintDashboard(dashboard))).toEqual(['empty-query']);
  });
});

describe('GIVEN two dashboards with the same uid', () => {
  test('WHEN linted together THEN the duplicate uid is reported', () => {
    const [first] = EXAMPLE_DASHBOARDS;
    expect(rulesOf(lintDashboards([first, first]))).toContain('duplicate-uid');
  });
});
