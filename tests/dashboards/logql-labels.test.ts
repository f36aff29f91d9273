import { parse } from 'yaml';
import { lokiStreamLabels } from '../../content/logs/loki-otlp';
import { allDashboards } from '../../dashboards/index';
import { languageOf, panelsOf } from '../../dashboards/panels';
import { logqlStreamLabels, parseLogQL, variableInnerQuery } from '../../dashboards/query-languages';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { container, synthLocal, uploaded } from '../support/synth';

/** The labels Loki makes of what the deployed collector ships, from the two configs the stack renders. */
function stackStreamLabels(): string[] {
  const { json } = synthLocal();
  const collector = parse(uploaded(container(json, 'dev-otel-collector'), '/etc/otelcol-contrib/config.yaml'));
  const loki = parse(uploaded(container(json, 'dev-loki'), '/etc/loki/pipewatch.yml'));
  return lokiStreamLabels(collector, loki);
}

interface LogQuery {
  readonly where: string;
  readonly expr: string;
}

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

/** Every LogQL query of the dashboards, with traces off and on: panel queries, and the selectors of Loki template variables. */
function dashboardLogQueries(dashboards = [...allDashboards(EXAMPLE_PIPELINES), ...allDashboards(EXAMPLE_PIPELINES, { traces: true })]): LogQuery[] {
  return dashboards.flatMap((d) => [
    ...panelsOf(d.json).flatMap((p) => p.queries.filter((q) => q.language === 'logql').map((q) => ({ where: `${d.uid} / ${p.title} / ${q.refId}`, expr: q.expr }))),
    ...(((d.json.templating as any)?.list ?? []) as any[])
      .filter((v) => languageOf(v.datasource) === 'logql' && typeof v.query === 'string' && variableInnerQuery(v.query) !== undefined)
      .map((v) => ({ where: `${d.uid} / variable $${v.name}`, expr: variableInnerQuery(v.query)! })),
  ]);
}

/** Queries whose stream selectors name a label nobody produces, with the labels at fault. */
function unproducedLabels(queries: readonly LogQuery[], produced: readonly string[]): string[] {
  return queries.flatMap((q) => logqlStreamLabels(q.expr).filter((l) => !produced.includes(l)).map((l) => `${q.where}: ${l} in ${q.expr}`));
}

describe("GIVEN the stack's rendered collector and Loki configs", () => {
  const produced = stackStreamLabels();

  test("THEN Loki's OTLP ingestion makes exactly these stream labels of the collector's resource attributes", () => {
    // service.name, container.name and deployment.environment are Loki defaults; dag_id and task_id the stack's
    // index_label rule; run_id and try_number are set but stay structured metadata.
    expect(produced).toEqual(['container_name', 'dag_id', 'deployment_environment', 'service_name', 'task_id']);
  });

  describe('WHEN every LogQL query of the dashboards is read', () => {
    const queries = dashboardLogQueries();

    test('THEN there are log queries, and each one parses', () => {
      expect(queries.length).toBeGreaterThanOrEqual(8);
      expect(queries.map((q) => q.where)).toContain('pipewatch-logs / variable $container');
      expect(queries.map((q) => q.where)).toContain('pipewatch-pipeline-detail / Runs and their traces / A');
      expect(queries.filter((q) => parseLogQL(q.expr).errors.length > 0).map((q) => q.where)).toEqual([]);
    });

    test('THEN their stream selectors use only labels Loki produces from what the collector ships', () => {
      expect(unproducedLabels(queries, produced)).toEqual([]);
    });
  });

  test('WHEN a query selects on a label nobody produces (the old Alloy job label, or run_id kept as metadata) THEN the check names it', () => {
    const stale: LogQuery[] = [
      { where: 'old / panel / A', expr: 'sum(count_over_time({job="containers", container_name=~".+"}[5m]))' },
      { where: 'meta / panel / A', expr: '{service_name="airflow-tasks", run_id="x"} | json | try_number="1"' },
    ];
    expect(unproducedLabels(stale, produced)).toEqual([
      'old / panel / A: job in sum(count_over_time({job="containers", container_name=~".+"}[5m]))',
      'meta / panel / A: run_id in {service_name="airflow-tasks", run_id="x"} | json | try_number="1"',
    ]);
  });
});

describe('GIVEN a collector config that sets no dag_id', () => {
  test('THEN dag_id is not a produced label, even though Loki would index it', () => {
    const collector = { receivers: { r: { operators: [{ type: 'add', field: 'resource["service.name"]', value: 'x' }] } }, service: { pipelines: { logs: { receivers: ['r'] } } } };
    const loki = { limits_config: { otlp_config: { resource_attributes: { attributes_config: [{ action: 'index_label', attributes: ['dag_id'] }] } } } };
    expect(lokiStreamLabels(collector, loki)).toEqual(['service_name']);
  });
});
