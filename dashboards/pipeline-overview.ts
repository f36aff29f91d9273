import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { RUN_SERIES } from '../content/metrics/catalog';
import {
  COLOR,
  DashboardOptions,
  dagIdVariable,
  detailLinkForDagIdField,
  mergeAndName,
  pipewatchDashboard,
  promQuery,
  runbookLink,
  statPanel,
  tablePanel,
  thresholds,
  timeseriesPanel,
  UNIT,
} from './common';
import { layoutSections, section } from './layout';
import { DAG_FILTER, runs, series } from './queries';
import { PIPELINE_ALERTS } from '../content/pipeline/alert-names';
import { maxStalenessSeconds, stalenessBudgetUsed } from './targets';

/**
 * One tile per pipeline from a single query: the share of its own max
 * staleness its data has used (100%: stale). The panel count does not grow
 * with the catalog; Grafana lays the tiles out.
 */
function freshnessTiles(options: DashboardOptions) {
  return statPanel({
    title: 'Freshness by pipeline',
    description: 'Per pipeline: time since the data interval of its last successful run, as a share of the max staleness its spec allows (100%: stale). Pipelines without a max staleness are not shown; the table below has every pipeline. Click a tile for its detail dashboard.',
    unit: UNIT.ratio,
    queries: [promQuery(stalenessBudgetUsed(DAG_FILTER), { legend: '{{dag_id}}', instant: true })],
    thresholds: thresholds.higherIsWorse(0.75, 1),
    links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
    width: 24,
  }).dataLinks([detailLinkForDagIdField()]);
}

export function pipelineOverviewDashboard(specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const stale = stalenessBudgetUsed(DAG_FILTER);
  const summary = [
    statPanel({
      title: 'Active pipelines',
      description: 'Pipelines that finished at least one task in the time range.',
      unit: UNIT.count,
      queries: [promQuery(`count(sum by (dag_id) (increase(${series('airflow_ti_finish', DAG_FILTER)}[$__range])) > 0) or vector(0)`, { instant: true })],
    }),
    statPanel({
      title: 'Run success rate',
      description: 'Share of DAG runs that succeeded in the time range.',
      unit: UNIT.ratio,
      queries: [promQuery(`(sum(${runs.succeeded(DAG_FILTER, '$__range')}) or vector(0)) / sum(${runs.total(DAG_FILTER, '$__range')})`, { instant: true })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
    }),
    statPanel({
      title: 'Failed runs',
      description: 'DAG runs that failed in the time range.',
      unit: UNIT.count,
      queries: [promQuery(`sum(${runs.failed(DAG_FILTER, '$__range')}) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
    }),
    statPanel({
      title: 'Stale pipelines',
      description: 'Pipelines whose data is older than their max staleness.',
      unit: UNIT.count,
      queries: [promQuery(`count(${stale} > 1) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
    }),
    statPanel({
      title: 'Tasks running now',
      description: 'Task instances the executors are running.',
      unit: UNIT.count,
      queries: [promQuery('sum(airflow_executor_running_tasks)', { instant: true })],
    }),
    statPanel({
      title: 'Tasks queued',
      description: 'Task instances waiting on the executors.',
      unit: UNIT.count,
      queries: [promQuery('sum(airflow_executor_queued_tasks)', { instant: true })],
      thresholds: thresholds.higherIsWorse(10, 50),
    }),
  ];

  const trends = [
    timeseriesPanel({
      title: 'Runs finished in the past hour',
      unit: UNIT.count,
      queries: [
        promQuery(runs.succeeded(DAG_FILTER, '1h'), { legend: '{{dag_id}} succeeded' }),
        promQuery(runs.failed(DAG_FILTER, '1h'), { legend: '{{dag_id}} failed' }),
      ],
    }).overrideByRegexp('.* failed$', [{ id: 'color', value: { mode: 'fixed', fixedColor: COLOR.bad } }]),
    timeseriesPanel({
      title: 'Success rate (rolling 6 h)',
      unit: UNIT.ratio,
      queries: [promQuery(runs.successRatio(DAG_FILTER, '6h'), { legend: '{{dag_id}}' })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
    }).max(1),
    timeseriesPanel({
      title: 'Mean run duration (rolling 6 h)',
      unit: UNIT.seconds,
      queries: [promQuery(runs.meanDuration(DAG_FILTER, '6h'), { legend: '{{dag_id}}' })],
    }),
    timeseriesPanel({
      title: 'Tasks running and queued',
      unit: UNIT.count,
      queries: [
        promQuery('sum(airflow_executor_running_tasks)', { legend: 'running' }),
        promQuery('sum(airflow_executor_queued_tasks)', { legend: 'queued' }),
        promQuery('sum(airflow_triggers_running)', { legend: 'deferred (triggers)' }),
      ],
    }),
  ];

  const recentRuns = tablePanel({
    title: 'Runs in the time range',
    description: 'Per pipeline: runs that succeeded and failed, success rate, mean duration, last success (the scheduled time of the latest successful run) and max staleness. Click a dag_id for its detail dashboard.',
    unit: UNIT.count,
    queries: [
      promQuery(runs.succeeded(DAG_FILTER, '$__range'), { instant: true, table: true }),
      promQuery(runs.failed(DAG_FILTER, '$__range'), { instant: true, table: true }),
      promQuery(runs.successRatio(DAG_FILTER, '$__range'), { instant: true, table: true }),
      promQuery(runs.meanDuration(DAG_FILTER, '$__range'), { instant: true, table: true }),
      promQuery(`max by (dag_id) (${series(RUN_SERIES.lastSuccess, DAG_FILTER)}) * 1000`, { instant: true, table: true }),
      promQuery(maxStalenessSeconds(DAG_FILTER), { instant: true, table: true }),
    ],
  })
    .transformations(mergeAndName({ A: 'Succeeded', B: 'Failed', C: 'Success rate', D: 'Mean duration', E: 'Last success', F: 'Max staleness' }))
    .overrideByName('dag_id', [{ id: 'links', value: [detailLinkForDagIdField().build()] }])
    .overrideByName('Success rate', [{ id: 'unit', value: UNIT.ratio }])
    .overrideByName('Mean duration', [{ id: 'unit', value: UNIT.duration }])
    .overrideByName('Last success', [{ id: 'unit', value: UNIT.timeAgo }])
    .overrideByName('Max staleness', [{ id: 'unit', value: UNIT.duration }]);

  const builder = pipewatchDashboard('pipelineOverview', 'Pipeline Overview', 'Every pipeline at a glance: health, outcomes, durations and what is running now.', ['pipelines'])
    .withVariable(dagIdVariable(specs, { multi: true }));
  return layoutSections(builder, [
    { panels: summary },
    section('Pipelines', [freshnessTiles(options)]),
    section('Runs', trends),
    section('Recent runs', [recentRuns]),
  ]);
}
