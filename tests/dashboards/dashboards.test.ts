import { DASHBOARD_UIDS } from '../../content/links';
import { Duration } from '../../content/duration';
import { datasourcesProvisioning } from '../../content/grafana/provisioning';
import { PipelineSpec } from '../../content/pipeline/spec';
import { ALERTMANAGER_DATASOURCE, LOKI_DATASOURCE, POSTGRES_DATASOURCE, PROMETHEUS_DATASOURCE } from '../../content/grafana/datasources';
import { allDashboards } from '../../dashboards/index';
import { DashboardJson } from '../../content/grafana/dashboard-json';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { EXAMPLE_DASHBOARDS, exampleDashboard, expressions, panels, panelTitled } from './fixtures';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

type Json = Record<string, any>;

function datasourceRefs(value: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(value)) value.forEach((v) => datasourceRefs(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'datasource' && v && typeof v === 'object') found.push(v as Json);
      datasourceRefs(v, found);
    }
  }
  return found;
}

function overlaps(a: Json, b: Json): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

const newPipeline: PipelineSpec = {
  dagId: 'billing_export',
  schedule: '@daily',
  ownerTeam: 'finance',
  expectedDuration: Duration.minutes(20),
  maxStaleness: Duration.hours(30),
  tasks: [{ taskId: 'export', expectedDuration: Duration.minutes(20) }],
};

describe('GIVEN the example pipelines', () => {
  test('WHEN all dashboards are built THEN there is one per registered uid, in registry order, titled', () => {
    const expected = [
      ['pipelineOverview', 'pipewatch-pipeline-overview', 'Pipeline Overview'],
      ['pipelineDetail', 'pipewatch-pipeline-detail', 'Pipeline Detail'],
      ['slaFreshness', 'pipewatch-sla-freshness', 'SLA & Freshness'],
      ['dataQuality', 'pipewatch-data-quality', 'Data Quality'],
      ['performance', 'pipewatch-performance', 'Performance'],
      ['dataLakeWarehouse', 'pipewatch-datalake-warehouse', 'Data Lake & Warehouse'],
      ['platformHealth', 'pipewatch-platform-health', 'Platform Health'],
      ['logs', 'pipewatch-logs', 'Logs'],
      ['alerts', 'pipewatch-alerts', 'Alerts'],
      ['dbt', 'pipewatch-dbt', 'dbt'],
      ['streaming', 'pipewatch-streaming', 'Streaming pipelines'],
    ];
    expect(EXAMPLE_DASHBOARDS.map((d) => [d.key, d.json.uid, d.json.title])).toEqual(expected);
    expect(Object.entries(DASHBOARD_UIDS)).toEqual(expected.map(([key, uid]) => [key, uid]));
  });

  test('WHEN looking at every datasource reference THEN each uses one of the fixed pipewatch datasources', () => {
    const allowed = [PROMETHEUS_DATASOURCE, LOKI_DATASOURCE, ALERTMANAGER_DATASOURCE, POSTGRES_DATASOURCE].map((d) => `${d.type}/${d.uid}`);
    const used = new Set(EXAMPLE_DASHBOARDS.flatMap((d) => datasourceRefs(d.json)).map((r) => `${r.type}/${r.uid}`));
    expect([...used].filter((ref) => !allowed.includes(ref))).toEqual([]);
    expect(used).toEqual(new Set(['prometheus/pipewatch-prometheus', 'loki/pipewatch-loki']));
  });

  test('WHEN the Docker stack provisions Grafana THEN its datasources have exactly the UIDs and types the dashboards refer to', () => {
    const provisioned = (datasourcesProvisioning({
      prometheusUrl: 'http://prometheus:9090',
      lokiUrl: 'http://loki:3100',
      scrapeIntervalSeconds: 15,
      alertmanagerUrl: 'http://alertmanager:9093',
      postgres: { hostPort: 'postgres:5432', database: 'history', user: 'reader', passwordFile: '/run/secrets/x' },
    }) as { datasources: Json[] }).datasources.map((d) => `${d.type}/${d.uid}`);
    expect(provisioned.sort()).toEqual([PROMETHEUS_DATASOURCE, LOKI_DATASOURCE, ALERTMANAGER_DATASOURCE, POSTGRES_DATASOURCE].map((d) => `${d.type}/${d.uid}`).sort());
  });

  test('WHEN laying out panels THEN every panel fits the 24-column grid and none overlaps another', () => {
    for (const { json, title } of EXAMPLE_DASHBOARDS) {
      const boxes = (json.panels as Json[]).map((p) => ({ title: p.title, ...p.gridPos }));
      for (const box of boxes) expect({ title, panel: box.title, fits: box.x + box.w <= 24 }).toEqual({ title, panel: box.title, fits: true });
      const clashes = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => overlaps(a, b)).map((b) => `${a.title} / ${b.title}`));
      expect({ title, clashes }).toEqual({ title, clashes: [] });
    }
  });
});

describe('GIVEN the Pipeline Overview', () => {
  const overview = exampleDashboard('pipelineOverview');

  test('WHEN rendered THEN one tile panel shows every pipeline\'s freshness from one query, and each tile opens that pipeline\'s detail dashboard', () => {
    const tiles = panelTitled(overview, 'Freshness by pipeline');
    expect(expressions(tiles)).toEqual(['(time() - max by (dag_id) (pipewatch_dag_last_success_interval_end_seconds{dag_id=~"$dag_id"})) / on(dag_id) max by (dag_id) (dag_id:pipewatch_max_staleness_seconds:spec{dag_id=~"$dag_id"})']);
    expect(tiles.fieldConfig.defaults.links).toEqual([expect.objectContaining({ url: '/d/pipewatch-pipeline-detail?var-dag_id=${__data.fields.dag_id}&${__url_time_range}' })]);
  });

  test("WHEN a tile is coloured THEN it turns orange at 75% and red at 100% of that pipeline's own max staleness", () => {
    expect(panelTitled(overview, 'Freshness by pipeline').fieldConfig.defaults.thresholds.steps).toEqual([
      { value: null, color: 'green' },
      { value: 0.75, color: 'orange' },
      { value: 1, color: 'red' },
    ]);
  });

  test('WHEN the dashboard links are listed THEN there is only the navigation dropdown, whatever the catalog holds', () => {
    expect((overview.links as Json[]).map((l) => l.title)).toEqual(['pipewatch dashboards']);
  });

  test('WHEN the recent-runs table is clicked on a dag_id THEN it opens that pipeline in the detail dashboard', () => {
    const table = panelTitled(overview, 'Runs in the time range');
    const link = table.fieldConfig.overrides.find((o: Json) => o.matcher.options === 'dag_id').properties[0].value[0];
    expect(link.url).toBe('/d/pipewatch-pipeline-detail?var-dag_id=${__data.fields.dag_id}&${__url_time_range}');
  });

  test('WHEN a pipeline is added to the specs THEN the overview is unchanged: its tile and table row come from the data', () => {
    const withNew = allDashboards([...EXAMPLE_PIPELINES, newPipeline]).find((d) => d.key === 'pipelineOverview')!.json;
    expect(withNew).toEqual(overview);
  });
});

describe('GIVEN options with a custom runbook location', () => {
  test('WHEN dashboards are built THEN runbook links point there, one anchor per alert', () => {
    const [overview] = allDashboards(EXAMPLE_PIPELINES, { runbookBaseUrl: 'https://wiki.example.com/runbooks' });
    expect(panelTitled(overview.json, 'Failed runs').links).toEqual([expect.objectContaining({ title: 'Runbook: PipelineRunFailed', url: 'https://wiki.example.com/runbooks#pipelinerunfailed' })]);
  });
});

describe('GIVEN the Pipeline Detail dashboard', () => {
  const detail = exampleDashboard('pipelineDetail');
  const variable = (detail.templating as Json).list[0];

  test('WHEN opened THEN it is templated by a single dag_id that defaults to the first pipeline', () => {
    expect(variable).toMatchObject({ name: 'dag_id', multi: false, current: { value: EXAMPLE_PIPELINES[0].dagId } });
  });

  test('WHEN its Prometheus queries run THEN every one is narrowed to the selected DAG', () => {
    const prometheus = panels(detail).flatMap((p) => (p.targets as Json[]).filter((t) => t.datasource.type === 'prometheus').map((t) => [p.title, t.expr]));
    expect(prometheus.filter(([, expr]) => !expr.includes('$dag_id'))).toEqual([]);
  });

  test("WHEN its logs panels query Loki THEN they read the DAG's task logs by the shipper's labels", () => {
    expect(expressions(panelTitled(detail, 'Task logs'))).toEqual(['{service_name="airflow-tasks", dag_id="$dag_id"}']);
  });

  test('WHEN task durations are judged THEN they are divided by the expected durations the rules record per task', () => {
    const [expr] = expressions(panelTitled(detail, 'Task duration against expected'));
    expect(expr).toContain('/ on(dag_id, task_id) max by (dag_id, task_id) (dag_id:pipewatch_task_expected_duration_seconds:spec{dag_id="$dag_id"})');
  });
});

describe('GIVEN the SLA & Freshness dashboard', () => {
  const sla: DashboardJson = exampleDashboard('slaFreshness');

  test("WHEN staleness is measured THEN each pipeline is compared with its own max staleness series, no pipeline named in the query", () => {
    const [expr] = expressions(panelTitled(sla, 'Staleness budget used'));
    expect(expr).toContain('/ on(dag_id) max by (dag_id) (dag_id:pipewatch_max_staleness_seconds:spec{dag_id=~"$dag_id"})');
    for (const spec of EXAMPLE_PIPELINES) expect(JSON.stringify(sla)).not.toContain(spec.dagId);
  });

  test('WHEN time left before deadlines is shown THEN it joins the deadline series, which only pipelines with a deadline have', () => {
    const [expr] = expressions(panelTitled(sla, 'Time left before deadline'));
    expect(expr).toContain('+ on(dag_id) max by (dag_id) (dag_id:pipewatch_deadline_seconds:spec{dag_id=~"$dag_id"})');
  });
});

describe('GIVEN the Data Quality dashboard', () => {
  test('WHEN completeness is judged THEN each dataset is divided by the minimum its checks declare, read from the recorded series', () => {
    const panel = panelTitled(exampleDashboard('dataQuality'), 'Completeness against minimum');
    expect(expressions(panel)).toEqual(['min by (dag_id, dataset) (pipewatch_dq_completeness_ratio{dag_id=~"$dag_id"}) / on(dag_id, dataset) max by (dag_id, dataset) (dag_id:pipewatch_dq_min_completeness_ratio:spec{dag_id=~"$dag_id"})']);
    expect(panel.fieldConfig.defaults.thresholds.steps[1]).toEqual({ value: 1, color: 'orange' });
  });
});

describe('GIVEN the Logs dashboard', () => {
  const logs = exampleDashboard('logs');

  test('WHEN it queries container logs THEN it selects the container_name label Loki makes of container.name, filtered by the container variable', () => {
    expect(expressions(panelTitled(logs, 'Container logs'))).toEqual(['{container_name=~"$container"} |= "$search"']);
  });

  test('WHEN it shows the log shipper THEN a row charts lines shipped, lines failed or dropped and the export queue', () => {
    expect(expressions(panelTitled(logs, 'Log lines failed or dropped'))).toEqual([
      'sum(rate(otelcol_exporter_send_failed_log_records_total[$__rate_interval]))',
      'sum(rate(otelcol_exporter_enqueue_failed_log_records_total[$__rate_interval]))',
      'sum(rate(otelcol_receiver_refused_log_records_total[$__rate_interval]))',
    ]);
    expect(expressions(panelTitled(logs, 'Export queue'))).toEqual(['max(otelcol_exporter_queue_size{data_type="logs"} / otelcol_exporter_queue_capacity{data_type="logs"})']);
  });

  test('WHEN the container variable loads its values THEN they come from Loki', () => {
    const container = (logs.templating as Json).list.find((v: Json) => v.name === 'container');
    expect(container).toMatchObject({ datasource: { type: 'loki', uid: 'pipewatch-loki' }, query: 'label_values({container_name=~".+"}, container_name)', allValue: '.+' });
  });
});

describe('GIVEN the Alerts dashboard', () => {
  const alerts = exampleDashboard('alerts');

  test('WHEN filtering by team THEN the choices are the teams that own the pipelines', () => {
    expect((alerts.templating as Json).list[0]).toMatchObject({ name: 'team', query: 'analytics,data-platform,finance,ml', includeAll: true });
  });

  test('WHEN showing what fires THEN it reads the ALERTS series and links to the Alertmanager pages', () => {
    expect(expressions(panelTitled(alerts, 'Firing alerts by name'))).toEqual(['count by (alertname) (ALERTS{alertstate="firing", team=~"$team"})']);
    expect((alerts.links as Json[]).map((l) => l.url)).toContain('/alerting/groups?alertmanager=pipewatch-alertmanager');
  });
});
