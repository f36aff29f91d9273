import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DBT_ALERTS } from '../content/dbt/rules';
import { PipelineSpec } from '../content/pipeline/spec';
import { barGaugePanel, DashboardOptions, mergeAndName, pipewatchDashboard, promQuery, runbookLink, statPanel, tablePanel, thresholds, timeseriesPanel, UNIT } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';

/** The latest state of a pushed family, bridged over a scrape gap like the alerts read it. */
const latest = (series: string, by: string) => `max by (${by}) (last_over_time(${series}[10m]))`;
const MODEL = 'project, target, model';
const TEST = 'project, target, model, test, dbt_severity';
const SOURCE = 'project, target, source, table';
const sourceAge = `time() - ${latest('dbt_source_max_loaded_at_timestamp_seconds', SOURCE)}`;

function summaryPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Models failing',
      description: 'Models whose statement failed in their latest invocation.',
      unit: UNIT.count,
      queries: [promQuery(`count(${latest('dbt_model_status{status="error"}', MODEL)} == 1) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(DBT_ALERTS.modelFailed, options)],
      width: 6,
    }),
    statPanel({
      title: 'Tests failing or warning',
      unit: UNIT.count,
      queries: [promQuery(`count(${latest('dbt_test_status{status=~"fail|error|warn"}', TEST)} == 1) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(DBT_ALERTS.testFailed, options)],
      width: 6,
    }),
    statPanel({
      title: 'Sources past error_after',
      unit: UNIT.count,
      queries: [promQuery(`count(${sourceAge} > on (${SOURCE}) ${latest('dbt_source_freshness_error_after_seconds', SOURCE)}) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(DBT_ALERTS.sourceFreshness, options)],
      width: 6,
    }),
    statPanel({
      title: 'Latest invocation',
      description: 'When dbt last wrote artifacts, any project, target and command.',
      unit: UNIT.timeAgo,
      queries: [promQuery('max(dbt_invocation_timestamp_seconds) * 1000', { instant: true })],
      width: 6,
    }),
  ];
}

function modelPanels(): PlaceablePanel[] {
  return [
    tablePanel({
      title: 'Models',
      description: 'Status (1 = failed), duration and rows affected of every model in its latest invocation.',
      unit: UNIT.count,
      queries: [
        promQuery(latest('dbt_model_status{status="error"}', MODEL), { instant: true, table: true }),
        promQuery(latest('dbt_model_duration_seconds', MODEL), { instant: true, table: true }),
        promQuery(latest('dbt_model_rows_affected', MODEL), { instant: true, table: true }),
      ],
      width: 12,
      height: 10,
    }).transformations(mergeAndName({ A: 'failed', B: 'seconds', C: 'rows' })),
    barGaugePanel({
      title: 'Slowest models',
      description: 'The ten models with the longest latest run.',
      unit: UNIT.seconds,
      queries: [promQuery(`topk(10, ${latest('dbt_model_duration_seconds', MODEL)})`, { instant: true, legend: '{{project}}.{{model}}' })],
      width: 12,
      height: 10,
    }),
    timeseriesPanel({
      title: 'Model duration',
      description: 'Latest run duration of the ten slowest models over time: regressions show as steps.',
      unit: UNIT.seconds,
      queries: [promQuery(`topk(10, ${latest('dbt_model_duration_seconds', MODEL)})`, { legend: '{{project}}.{{model}}' })],
    }),
    timeseriesPanel({
      title: 'Failure history',
      description: 'Failed models and failing tests over time.',
      unit: UNIT.count,
      queries: [
        promQuery(`count(${latest('dbt_model_status{status="error"}', MODEL)} == 1) or vector(0)`, { legend: 'models failed' }),
        promQuery(`count(${latest('dbt_test_status{status=~"fail|error"}', TEST)} == 1) or vector(0)`, { legend: 'tests failed' }),
        promQuery(`count(${latest('dbt_test_status{status="warn"}', TEST)} == 1) or vector(0)`, { legend: 'tests warning' }),
      ],
      thresholds: thresholds.anyIsBad(),
    }),
  ];
}

function testAndFreshnessPanels(): PlaceablePanel[] {
  return [
    tablePanel({
      title: 'Tests not passing',
      description: "Tests whose latest run failed, warned or errored, with dbt's severity and the failing rows.",
      unit: UNIT.count,
      queries: [promQuery(`${latest('dbt_test_failures', TEST)} and on (${TEST}) (${latest('dbt_test_status{status=~"fail|error|warn"}', TEST)} == 1)`, { instant: true, table: true })],
      width: 12,
      height: 10,
    }).transformations(mergeAndName({ A: 'failing rows' })),
    tablePanel({
      title: 'Source freshness',
      description: "Age of each source's newest row against the warn_after and error_after it declares.",
      unit: UNIT.duration,
      queries: [
        promQuery(sourceAge, { instant: true, table: true }),
        promQuery(latest('dbt_source_freshness_warn_after_seconds', SOURCE), { instant: true, table: true }),
        promQuery(latest('dbt_source_freshness_error_after_seconds', SOURCE), { instant: true, table: true }),
      ],
      width: 12,
      height: 10,
    }).transformations(mergeAndName({ A: 'age', B: 'warn after', C: 'error after' })),
  ];
}

/** One dashboard for every dbt project; a constant number of panels whatever the projects hold. */
export function dbtDashboard(_specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard('dbt', 'dbt', 'dbt projects: failed models, failing tests with their severity, source freshness against its thresholds, slowest models and failure history.', ['dbt', 'data']);
  return layoutSections(builder, [section('Now', summaryPanels(options)), section('Models', modelPanels()), section('Tests and sources', testAndFreshnessPanels())]);
}
