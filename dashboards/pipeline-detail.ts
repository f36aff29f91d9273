import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { RUN_SERIES } from '../content/metrics/catalog';
import {
  barGaugePanel,
  COLOR,
  DashboardOptions,
  dagIdVariable,
  dashboardLink,
  logsPanel,
  lokiQuery,
  pipewatchDashboard,
  promQuery,
  runbookLink,
  statPanel,
  tablePanel,
  thresholds,
  timeseriesPanel,
  UNIT,
} from './common';
import { layoutSections, PlaceablePanel, section } from './layout';
import { dataAgeSeconds, dqChecksFailed, dqPassRatio, meanTaskDuration, runs, series } from './queries';
import { PIPELINE_ALERTS } from '../content/pipeline/alert-names';
import { TASK_LOGS_MATCHER } from '../content/logs/streams';
import { RUN_SPAN_ATTRIBUTES } from '../content/traces/airflow-spans';
import { jaegerSearchUrl } from './traces';
import { expectedRunSeconds, expectedTaskSeconds, maxStalenessSeconds, stalenessBudgetUsed, timeLeftBeforeDeadline } from './targets';

/** Exactly the selected pipeline: this dashboard shows one DAG at a time. */
const DAG = 'dag_id="$dag_id"';
const TASK_LOGS = `{${TASK_LOGS_MATCHER}, ${DAG}}`;
const ERROR_LINES = '|~ "(?i)(error|exception|traceback)"';

function runPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Run duration',
      description: 'Mean duration of successful runs (rolling 6 h) against the duration the spec expects.',
      unit: UNIT.seconds,
      queries: [
        promQuery(runs.meanDuration(DAG, '6h'), { legend: 'mean (6 h)' }),
        promQuery(expectedRunSeconds(DAG), { legend: 'expected' }),
      ],
      links: [runbookLink(PIPELINE_ALERTS.durationRegression, options)],
    }).overrideByName('expected', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
    timeseriesPanel({
      title: 'Run outcomes (past hour)',
      unit: UNIT.count,
      queries: [promQuery(runs.succeeded(DAG, '1h'), { legend: 'succeeded' }), promQuery(runs.failed(DAG, '1h'), { legend: 'failed' })],
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
    }).overrideByName('failed', [{ id: 'color', value: { mode: 'fixed', fixedColor: COLOR.bad } }]),
    timeseriesPanel({
      title: 'Schedule delay',
      description: 'Mean delay between the scheduled and the actual start of runs (rolling 1 h).',
      unit: UNIT.seconds,
      queries: [
        promQuery(
          `sum by (dag_id) (rate(${series('airflow_dagrun_schedule_delay_sum', DAG)}[1h])) / sum by (dag_id) (rate(${series('airflow_dagrun_schedule_delay_count', DAG)}[1h]))`,
          { legend: 'schedule delay' },
        ),
      ],
      width: 24,
      height: 6,
    }),
  ];
}

/** The runs whose task logs reached Loki in the time range, each linking to its trace in Jaeger. */
function runTracesPanel(): PlaceablePanel {
  const traceOfRun = jaegerSearchUrl({ [RUN_SPAN_ATTRIBUTES.dagId]: '$dag_id', [RUN_SPAN_ATTRIBUTES.runId]: '${__value.raw}' });
  return tablePanel({
    title: 'Runs and their traces',
    description: 'Runs of the pipeline with task log lines in the time range; a run id opens the run\u2019s trace in Jaeger.',
    unit: UNIT.count,
    queries: [lokiQuery(`sum by (run_id) (count_over_time(${TASK_LOGS} [$__range]))`).instant(true)],
  })
    // One frame per run, its id a label: labels become a run_id column, then one table.
    .transformations([
      { id: 'labelsToFields', options: { mode: 'columns' } },
      { id: 'merge', options: {} },
      { id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'Task log lines' } } },
    ])
    .overrideByName('run_id', [{ id: 'links', value: [{ title: 'Trace of run ${__value.raw}', url: traceOfRun }] }]);
}

function taskPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Mean task duration (rolling 6 h)',
      unit: UNIT.seconds,
      queries: [promQuery(meanTaskDuration(DAG, '6h'), { legend: '{{task_id}}' })],
    }),
    barGaugePanel({
      title: 'Task duration against expected',
      description: 'Mean task duration in the time range divided by the duration the spec expects: above 1 the task runs slower than planned.',
      unit: UNIT.ratio,
      queries: [promQuery(`${meanTaskDuration(DAG, '$__range')} / on(dag_id, task_id) ${expectedTaskSeconds(DAG)}`, { legend: '{{task_id}}', instant: true })],
      thresholds: thresholds.higherIsWorse(1.5, 2),
      links: [runbookLink(PIPELINE_ALERTS.taskLongRunning, options)],
    }),
    timeseriesPanel({
      title: 'Task failures (past hour)',
      unit: UNIT.count,
      queries: [promQuery(`sum by (task_id) (increase(${series('airflow_ti_finish', `${DAG}, state="failed"`)}[1h]))`, { legend: '{{task_id}}' })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
    }),
    tablePanel({
      title: 'Task outcomes in the time range',
      description: 'Finished task instances by task and final state.',
      unit: UNIT.count,
      queries: [promQuery(`sum by (task_id, state) (increase(${series('airflow_ti_finish', DAG)}[$__range])) > 0`, { instant: true, table: true })],
      width: 12,
    }).transformations([{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'Task instances' } } }]),
  ];
}

function deadlineAndFreshnessPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Data age',
      description: 'Time since the last successful run, against the max staleness the spec allows.',
      unit: UNIT.seconds,
      queries: [promQuery(dataAgeSeconds(DAG), { legend: 'data age' }), promQuery(maxStalenessSeconds(DAG), { legend: 'max staleness' })],
      links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
    }).overrideByName('max staleness', [{ id: 'color', value: { mode: 'fixed', fixedColor: COLOR.bad } }]),
    statPanel({
      title: 'Staleness budget used',
      description: 'Data age as a share of the max staleness: 100% means the data is stale.',
      unit: UNIT.ratio,
      queries: [promQuery(stalenessBudgetUsed(DAG), { instant: true })],
      thresholds: thresholds.higherIsWorse(0.75, 1),
      links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
      width: 6,
    }).noValue('no staleness limit'),
    statPanel({
      title: 'Time left before deadline',
      description: 'Until the current scheduled run must finish; negative once overdue. Empty when the run has already succeeded or the pipeline has no deadline.',
      unit: UNIT.duration,
      queries: [promQuery(timeLeftBeforeDeadline(DAG), { instant: true })],
      thresholds: thresholds.lowerIsWorse(0, 600),
      links: [runbookLink(PIPELINE_ALERTS.deadlineMissed, options)],
      width: 6,
    }).noValue('run finished'),
  ];
}

function dataQualityPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Failed checks',
      description: 'Data-quality checks that failed in the time range.',
      unit: UNIT.count,
      queries: [promQuery(`sum(${dqChecksFailed(DAG, '$__range')}) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.dataQualityCheckFailed, options)],
      width: 6,
    }),
    barGaugePanel({
      title: 'Check pass rate',
      unit: UNIT.ratio,
      queries: [promQuery(dqPassRatio(DAG, '$__range'), { legend: '{{check}}', instant: true })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
      width: 6,
    }).max(1),
    timeseriesPanel({
      title: 'Completeness',
      unit: UNIT.ratio,
      queries: [promQuery(series('pipewatch_dq_completeness_ratio', DAG), { legend: '{{dataset}}' })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
      links: [runbookLink(PIPELINE_ALERTS.dataCompletenessLow, options)],
    }),
  ];
}

function logPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Task log lines',
      unit: UNIT.count,
      queries: [
        lokiQuery(`sum by (task_id) (count_over_time(${TASK_LOGS} [$__interval]))`, '{{task_id}}'),
        lokiQuery(`sum(count_over_time(${TASK_LOGS} ${ERROR_LINES} [$__interval]))`, 'errors'),
      ],
      width: 24,
      height: 6,
    }).overrideByName('errors', [{ id: 'color', value: { mode: 'fixed', fixedColor: COLOR.bad } }]),
    logsPanel({ title: 'Task errors', queries: [lokiQuery(`${TASK_LOGS} ${ERROR_LINES}`)], height: 8 }),
    logsPanel({ title: 'Task logs', queries: [lokiQuery(TASK_LOGS)] }),
  ];
}

export function pipelineDetailDashboard(specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const headline = [
    statPanel({
      title: 'Last success',
      description: 'Scheduled time (data interval end) of the latest successful run, from Airflow\u2019s metadata database: what deadlines and freshness are judged on.',
      unit: UNIT.timeAgo,
      queries: [promQuery(`max(${series(RUN_SERIES.lastSuccess, DAG)}) * 1000`, { instant: true })],
      width: 6,
    }).noValue('never'),
    statPanel({
      title: 'Succeeded runs',
      unit: UNIT.count,
      queries: [promQuery(`sum(${runs.succeeded(DAG, '$__range')}) or vector(0)`, { instant: true })],
    }),
    statPanel({
      title: 'Failed runs',
      unit: UNIT.count,
      queries: [promQuery(`sum(${runs.failed(DAG, '$__range')}) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
    }),
    statPanel({
      title: 'Success rate',
      unit: UNIT.ratio,
      queries: [promQuery(runs.successRatio(DAG, '$__range'), { instant: true })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
    }),
    statPanel({
      title: 'Rows processed',
      unit: UNIT.count,
      queries: [promQuery(`sum(increase(${series('pipewatch_pipeline_rows_processed_total', DAG)}[$__range]))`, { instant: true })],
      width: 6,
    }),
  ];

  const builder = pipewatchDashboard('pipelineDetail', 'Pipeline Detail', 'One pipeline in depth: runs, tasks, deadline, freshness, data quality and its task logs.', ['pipelines'])
    .withVariable(dagIdVariable(specs))
    .link(dashboardLink('pipelineOverview', 'Pipeline Overview'));
  if (options.traces) {
    builder.link(new dashboard.DashboardLinkBuilder('Traces of $dag_id').type(dashboard.DashboardLinkType.Link).url(jaegerSearchUrl({ [RUN_SPAN_ATTRIBUTES.dagId]: '$dag_id' })));
  }
  return layoutSections(builder, [
    { panels: headline },
    section('Runs', [...runPanels(options), ...(options.traces ? [runTracesPanel()] : [])]),
    section('Tasks', taskPanels(options)),
    section('Deadline and freshness', deadlineAndFreshnessPanels(options)),
    section('Data quality', dataQualityPanels(options)),
    section('Logs', logPanels()),
  ]);
}
