import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import {
  barGaugePanel,
  COLOR,
  DashboardOptions,
  dagIdVariable,
  detailLinkForDagIdField,
  pipewatchDashboard,
  promQuery,
  runbookLink,
  stateTimelinePanel,
  statPanel,
  thresholds,
  timeseriesPanel,
  UNIT,
} from './common';
import { layoutSections, PlaceablePanel, section } from './layout';
import { DAG_FILTER, runs, series } from './queries';
import { PIPELINE_ALERTS } from '../content/pipeline/alert-names';
import { errorBudgetBurnRate, errorBudgetRemaining, sloWindows, stalenessBudgetUsed, timeLeftBeforeDeadline } from './targets';
import { THRESHOLD_SERIES } from '../content/pipeline/thresholds';

/** The burn the fast SLO alert pages on for an hourly pipeline with a 28-day SLO: the budget spent within a quarter of the window. */
const FAST_BURN = 7;

const VIOLATION_MAPPINGS: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: { '0': { text: 'Fresh', color: COLOR.ok, index: 0 }, '1': { text: 'Stale', color: COLOR.bad, index: 1 } },
  },
];

function compliancePanels(options: DashboardOptions): PlaceablePanel[] {
  const budget = stalenessBudgetUsed(DAG_FILTER);
  const timeLeft = timeLeftBeforeDeadline(DAG_FILTER);
  return [
    statPanel({
      title: 'Freshness compliance',
      description: 'Share of the selected pipelines with a max staleness whose data is within it right now.',
      unit: UNIT.ratio,
      queries: [promQuery(`(count(${budget} <= 1) or vector(0)) / count(${series(THRESHOLD_SERIES.maxStaleness, DAG_FILTER)})`, { instant: true })],
      thresholds: thresholds.lowerIsWorse(0.75, 1),
      links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
      width: 6,
    }),
    statPanel({
      title: 'Pipelines at risk',
      description: 'Pipelines past 75% of their max staleness, or within 10 minutes of a deadline they have not met yet.',
      unit: UNIT.count,
      queries: [promQuery(`count((${budget} > 0.75) or (${timeLeft} < 600)) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      width: 6,
    }),
    statPanel({
      title: 'Deadlines overdue now',
      description: 'Pipelines whose current scheduled run has passed its deadline without succeeding.',
      unit: UNIT.count,
      queries: [promQuery(`count(${timeLeft} < 0) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.deadlineMissed, options)],
      width: 6,
    }),
    statPanel({
      title: 'Run success rate',
      description: 'Share of runs of the selected pipelines that succeeded in the time range.',
      unit: UNIT.ratio,
      queries: [promQuery(`(sum(${runs.succeeded(DAG_FILTER, '$__range')}) or vector(0)) / sum(${runs.total(DAG_FILTER, '$__range')})`, { instant: true })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
      width: 6,
    }),
  ];
}

function freshnessAndDeadlinePanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    barGaugePanel({
      title: 'Staleness budget used',
      description: 'Data age as a share of each pipeline’s own max staleness: 100% means stale.',
      unit: UNIT.ratio,
      queries: [promQuery(stalenessBudgetUsed(DAG_FILTER), { legend: '{{dag_id}}', instant: true })],
      thresholds: thresholds.higherIsWorse(0.75, 1),
      links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
    })
      .min(0)
      .max(1)
      .dataLinks([detailLinkForDagIdField()]),
    barGaugePanel({
      title: 'Time left before deadline',
      description: 'Until each pipeline’s current scheduled run must finish (negative: overdue). Pipelines that already succeeded since their scheduled time are not shown.',
      unit: UNIT.duration,
      queries: [promQuery(timeLeftBeforeDeadline(DAG_FILTER), { legend: '{{dag_id}}', instant: true })],
      thresholds: thresholds.lowerIsWorse(0, 600),
      links: [runbookLink(PIPELINE_ALERTS.deadlineMissed, options)],
    }).dataLinks([detailLinkForDagIdField()]),
  ];
}

function historyPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    stateTimelinePanel({
      title: 'Freshness violations',
      description: 'When each pipeline’s data was older than its max staleness.',
      unit: UNIT.state,
      queries: [promQuery(`${stalenessBudgetUsed(DAG_FILTER)} > bool 1`, { legend: '{{dag_id}}' })],
      mappings: VIOLATION_MAPPINGS,
      links: [runbookLink(PIPELINE_ALERTS.dataStale, options)],
    }),
    timeseriesPanel({
      title: 'Failed runs (past hour)',
      unit: UNIT.count,
      queries: [promQuery(runs.failed(DAG_FILTER, '1h'), { legend: '{{dag_id}}' })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.runFailed, options)],
      width: 24,
    }),
  ];
}

function errorBudgetPanels(specs: readonly PipelineSpec[], options: DashboardOptions): PlaceablePanel[] {
  const burn = errorBudgetBurnRate(DAG_FILTER, '1d');
  const remaining = errorBudgetRemaining(sloWindows(specs), DAG_FILTER);
  const slos = `Each pipeline’s SLO (target and window) is the series ${THRESHOLD_SERIES.sloSuccessRatio}.`;
  return [
    timeseriesPanel({
      title: 'Error-budget burn rate (1 d)',
      description: `Failure share of the past day\u2019s runs divided by the allowed failure share. 1 spends the budget exactly over the SLO window; ${FAST_BURN} spends a 28-day budget within a week (where hourly pipelines page). ${slos}`,
      unit: UNIT.count,
      queries: [promQuery(burn, { legend: '{{dag_id}}' })],
      thresholds: thresholds.higherIsWorse(1, FAST_BURN),
      links: [runbookLink(PIPELINE_ALERTS.errorBudgetBurnFast, options), runbookLink(PIPELINE_ALERTS.errorBudgetBurnSlow, options)],
    }).thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed)),
    ...(remaining
      ? [
          barGaugePanel({
            title: 'Error budget remaining',
            description: `Share of each pipeline’s error budget left over its SLO window; below 0 the SLO is missed. ${slos}`,
            unit: UNIT.ratio,
            queries: [promQuery(remaining, { legend: '{{dag_id}}', instant: true })],
            thresholds: thresholds.lowerIsWorse(0, 0.25),
            links: [runbookLink(PIPELINE_ALERTS.errorBudgetBurnSlow, options)],
          })
            .max(1)
            .dataLinks([detailLinkForDagIdField()]),
        ]
      : []),
  ];
}

export function slaFreshnessDashboard(specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'slaFreshness',
    'SLA & Freshness',
    'Is every pipeline delivering on time? Freshness against each max staleness, time left before deadlines, violation history and error-budget burn.',
    ['pipelines', 'sla'],
  ).withVariable(dagIdVariable(specs, { multi: true }));
  return layoutSections(builder, [
    { panels: compliancePanels(options) },
    section('Freshness and deadlines', freshnessAndDeadlinePanels(options)),
    section('Violation history', historyPanels(options)),
    section('Error budget', errorBudgetPanels(specs, options)),
  ]);
}
