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
  statPanel,
  tablePanel,
  thresholds,
  timeseriesPanel,
  UNIT,
} from './common';
import { layoutSections, PlaceablePanel, section } from './layout';
import { DAG_FILTER, dqChecksFailed, dqChecksRun, dqPassRatio, series } from './queries';
import { PIPELINE_ALERTS } from '../content/pipeline/alert-names';
import { checkDatasets, completenessMinimums } from './targets';

function summaryPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Checks run',
      unit: UNIT.count,
      queries: [promQuery(`sum(${dqChecksRun(DAG_FILTER, '$__range')}) or vector(0)`, { instant: true })],
      width: 5,
    }),
    statPanel({
      title: 'Pass rate',
      unit: UNIT.ratio,
      queries: [
        promQuery(
          `(sum(increase(${series('pipewatch_dq_checks_passed_total', DAG_FILTER)}[$__range])) or vector(0)) / sum(${dqChecksRun(DAG_FILTER, '$__range')})`,
          { instant: true },
        ),
      ],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
      width: 5,
    }),
    statPanel({
      title: 'Failed checks',
      unit: UNIT.count,
      queries: [promQuery(`sum(${dqChecksFailed(DAG_FILTER, '$__range')}) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.dataQualityCheckFailed, options)],
      width: 5,
    }),
    statPanel({
      title: 'Schema violations',
      description: 'Records rejected for schema violations in the time range.',
      unit: UNIT.count,
      queries: [promQuery(`sum(increase(${series('pipewatch_dq_schema_violations_total', DAG_FILTER)}[$__range])) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      width: 5,
    }),
    statPanel({
      title: 'Lowest completeness',
      unit: UNIT.ratio,
      queries: [promQuery(`min(${series('pipewatch_dq_completeness_ratio', DAG_FILTER)})`, { instant: true })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
      links: [runbookLink(PIPELINE_ALERTS.dataCompletenessLow, options)],
    }),
  ];
}

function failurePanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    barGaugePanel({
      title: 'Failed checks by dataset',
      description: 'Check failures in the time range, grouped by the dataset each declared check covers. Checks not declared in a pipeline spec appear in the table.',
      unit: UNIT.count,
      queries: [
        promQuery(`sum by (dataset) (${dqChecksFailed(DAG_FILTER, '$__range')} * on(dag_id, check) group_left(dataset) ${checkDatasets(DAG_FILTER)})`, {
          legend: '{{dataset}}',
          instant: true,
        }),
      ],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.dataQualityCheckFailed, options)],
    }),
    barGaugePanel({
      title: 'Schema violations by dataset',
      unit: UNIT.count,
      queries: [promQuery(`sum by (dataset) (increase(${series('pipewatch_dq_schema_violations_total', DAG_FILTER)}[$__range]))`, { legend: '{{dataset}}', instant: true })],
      thresholds: thresholds.anyIsBad(),
    }),
    tablePanel({
      title: 'Failing checks',
      description: 'Every check that failed at least once in the time range.',
      unit: UNIT.count,
      queries: [promQuery(`${dqChecksFailed(DAG_FILTER, '$__range')} > 0`, { instant: true, table: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(PIPELINE_ALERTS.dataQualityCheckFailed, options)],
    })
      .transformations([{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'Failures' } } }])
      .overrideByName('dag_id', [{ id: 'links', value: [detailLinkForDagIdField().build()] }]),
  ];
}

function completenessPanels(options: DashboardOptions): PlaceablePanel[] {
  const completeness = `min by (dag_id, dataset) (${series('pipewatch_dq_completeness_ratio', DAG_FILTER)})`;
  return [
    barGaugePanel({
      title: 'Completeness against minimum',
      description: 'Lowest completeness per dataset right now divided by the minimum its check declares: under 100% the dataset is below its minimum.',
      unit: UNIT.ratio,
      queries: [promQuery(`${completeness} / on(dag_id, dataset) ${completenessMinimums(DAG_FILTER)}`, { legend: '{{dag_id}} / {{dataset}}', instant: true })],
      thresholds: thresholds.lowerIsWorse(1, 1.02),
      links: [runbookLink(PIPELINE_ALERTS.dataCompletenessLow, options)],
    }).min(0),
    timeseriesPanel({
      title: 'Completeness trend',
      unit: UNIT.ratio,
      queries: [
        promQuery(`min by (dataset) (${series('pipewatch_dq_completeness_ratio', DAG_FILTER)})`, { legend: '{{dataset}}' }),
        promQuery(`max by (dataset) (${completenessMinimums(DAG_FILTER)})`, { legend: 'minimum {{dataset}}' }),
      ],
    }).overrideByRegexp('^minimum .*', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
  ];
}

function trendPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Check pass rate (rolling 6 h)',
      unit: UNIT.ratio,
      queries: [promQuery(dqPassRatio(DAG_FILTER, '6h'), { legend: '{{dag_id}} / {{check}}' })],
      thresholds: thresholds.lowerIsWorse(0.95, 0.99),
    }).max(1),
    timeseriesPanel({
      title: 'Checks run (past hour)',
      unit: UNIT.count,
      queries: [
        promQuery(`sum by (dag_id) (increase(${series('pipewatch_dq_checks_passed_total', DAG_FILTER)}[1h]))`, { legend: '{{dag_id}} passed' }),
        promQuery(`sum by (dag_id) (increase(${series('pipewatch_dq_checks_failed_total', DAG_FILTER)}[1h]))`, { legend: '{{dag_id}} failed' }),
      ],
    }).overrideByRegexp('.* failed$', [{ id: 'color', value: { mode: 'fixed', fixedColor: COLOR.bad } }]),
  ];
}

export function dataQualityDashboard(specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'dataQuality',
    'Data Quality',
    'Data-quality checks the pipelines run: how many, how many pass, which datasets fail and how complete they are.',
    ['pipelines', 'data-quality'],
  ).withVariable(dagIdVariable(specs, { multi: true }));
  return layoutSections(builder, [
    { panels: summaryPanels(options) },
    section('Failures', failurePanels(options)),
    section('Completeness', completenessPanels(options)),
    section('Trends', trendPanels()),
  ]);
}
