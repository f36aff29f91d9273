import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { KPI_RECORDS } from '../content/warehouse/rules';
import { DashboardOptions, mergeAndName, pipewatchDashboard, promQuery, runbookLink, statPanel, tablePanel, thresholds, timeseriesPanel, UNIT } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';

const RESPONSE_TIME_BUCKETS = 'pipewatch_warehouse_response_time_seconds_bucket';

function responseTimeQuantile(q: number, by: string, range: string): string {
  return `histogram_quantile(${q}, sum by (${['le', by].filter(Boolean).join(', ')}) (rate(${RESPONSE_TIME_BUCKETS}[${range}])))`;
}

function dataLakePanels(): PlaceablePanel[] {
  return [
    statPanel({ title: 'Data-lake space used', unit: UNIT.bytes, queries: [promQuery('sum(pipewatch_datalake_space_used_bytes)', { instant: true })], width: 6 }),
    statPanel({
      title: 'Growth (past 24 h)',
      unit: UNIT.bytes,
      queries: [promQuery('sum(delta(pipewatch_datalake_space_used_bytes[24h]))', { instant: true })],
      width: 6,
    }),
    statPanel({
      title: 'Data-lake accesses',
      description: 'Object accesses per second, all zones and operations.',
      unit: UNIT.perSecond,
      queries: [promQuery('sum(rate(pipewatch_datalake_accesses_total[$__rate_interval]))', { instant: true })],
      width: 6,
    }),
    statPanel({
      title: 'Zones',
      unit: UNIT.count,
      queries: [promQuery('count(count by (zone) (pipewatch_datalake_space_used_bytes))', { instant: true })],
      width: 6,
    }),
    timeseriesPanel({
      title: 'Space used by zone',
      unit: UNIT.bytes,
      queries: [promQuery('sum by (zone) (pipewatch_datalake_space_used_bytes)', { legend: '{{zone}}' })],
    }),
    timeseriesPanel({
      title: 'Accesses by zone and operation',
      unit: UNIT.perSecond,
      queries: [promQuery('sum by (zone, operation) (rate(pipewatch_datalake_accesses_total[$__rate_interval]))', { legend: '{{zone}} {{operation}}' })],
    }),
  ];
}

function warehousePanels(): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Query response time p95',
      unit: UNIT.seconds,
      queries: [promQuery(responseTimeQuantile(0.95, '', '$__rate_interval'), { instant: true })],
      thresholds: thresholds.higherIsWorse(1, 5),
      width: 6,
    }),
    statPanel({
      title: 'Records loaded',
      description: 'Records loaded into the warehouse in the time range.',
      unit: UNIT.count,
      queries: [promQuery('sum(increase(pipewatch_warehouse_records_processed_total[$__range]))', { instant: true })],
      width: 6,
    }),
    statPanel({
      title: 'Load throughput',
      unit: UNIT.rowsPerSecond,
      queries: [promQuery('sum(rate(pipewatch_warehouse_records_processed_total[$__rate_interval]))', { instant: true })],
      width: 6,
    }),
    statPanel({
      title: 'Queries per second',
      unit: UNIT.perSecond,
      queries: [promQuery('sum(rate(pipewatch_warehouse_response_time_seconds_count[$__rate_interval]))', { instant: true })],
      width: 6,
    }),
    timeseriesPanel({
      title: 'Query response time',
      unit: UNIT.seconds,
      queries: [
        promQuery(responseTimeQuantile(0.5, 'warehouse', '$__rate_interval'), { legend: '{{warehouse}} p50' }),
        promQuery(responseTimeQuantile(0.95, 'warehouse', '$__rate_interval'), { legend: '{{warehouse}} p95' }),
        promQuery(responseTimeQuantile(0.99, 'warehouse', '$__rate_interval'), { legend: '{{warehouse}} p99' }),
      ],
      thresholds: thresholds.higherIsWorse(1, 5),
    }),
    timeseriesPanel({
      title: 'Records loaded by table',
      unit: UNIT.rowsPerSecond,
      queries: [promQuery('sum by (warehouse, table) (rate(pipewatch_warehouse_records_processed_total[$__rate_interval]))', { legend: '{{warehouse}}.{{table}}' })],
    }),
  ];
}

function pipelineOutputPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Rows processed by pipeline',
      unit: UNIT.rowsPerSecond,
      queries: [promQuery('sum by (dag_id) (rate(pipewatch_pipeline_rows_processed_total[$__rate_interval]))', { legend: '{{dag_id}}' })],
    }),
    tablePanel({
      title: 'Business KPIs',
      description: `Latest value of each KPI the pipelines compute ${SIMULATED}.`,
      unit: UNIT.count,
      queries: [promQuery('max by (kpi) (pipewatch_business_kpi_value)', { instant: true, table: true })],
      width: 12,
    }).transformations([{ id: 'organize', options: { excludeByName: { Time: true } } }]),
  ];
}

/** Title of the row of the KPI monitors (content/warehouse: the `warehouse.kpis` of the stack). */
export const KPI_SECTION = 'Business KPIs against last week';

/**
 * The KPI monitors the stack declares, read from their records: one query per
 * panel serves every KPI, and the allowed drop is a series, not text.
 */
function kpiPanels(options: DashboardOptions): PlaceablePanel[] {
  const byKpi = (record: string) => `max by (kpi) (${record})`;
  return [
    tablePanel({
      title: 'KPIs against last week',
      description:
        'Each monitored KPI now and at the same time last week, its change, and the change the bad way its monitor allows (BusinessKpiWorseThanLastWeek fires 15 minutes past it). Empty until the stack declares warehouse.kpis and a week of history exists.',
      unit: UNIT.count,
      queries: [
        promQuery(byKpi(KPI_RECORDS.value), { instant: true, table: true }),
        promQuery(byKpi(KPI_RECORDS.lastWeek), { instant: true, table: true }),
        promQuery(byKpi(KPI_RECORDS.change), { instant: true, table: true }),
        promQuery(byKpi(KPI_RECORDS.allowedWorse), { instant: true, table: true }),
      ],
      links: [runbookLink('BusinessKpiWorseThanLastWeek', options)],
      width: 12,
    }).transformations(mergeAndName({ A: 'now', B: 'last week', C: 'change vs last week', D: 'allowed change the bad way' })),
    timeseriesPanel({
      title: 'KPI worse than last week vs allowed',
      description: 'The change against last week the bad way (a fall for higher-is-better KPIs, a rise for lower-is-better ones): the alert fires while a KPI stays above its allowed line.',
      unit: UNIT.ratio,
      queries: [
        promQuery(byKpi(KPI_RECORDS.worse), { legend: '{{kpi}} worse than last week' }),
        promQuery(byKpi(KPI_RECORDS.allowedWorse), { legend: '{{kpi}} allowed' }),
      ],
      width: 12,
    }),
    timeseriesPanel({
      title: 'KPI now and last week',
      unit: UNIT.count,
      queries: [promQuery(byKpi(KPI_RECORDS.value), { legend: '{{kpi}} now' }), promQuery(byKpi(KPI_RECORDS.lastWeek), { legend: '{{kpi}} last week' })],
    }),
  ];
}

/**
 * Data-lake and warehouse usage come from the pipeline simulator: pipewatch
 * ships no exporter for them, and the section titles say so, so nobody takes
 * them for a real warehouse's figures.
 */
const SIMULATED = '(simulated by the pipeline simulator)';

/** Each usage panel says it too, since a panel is also viewed, linked and embedded on its own. */
function simulated(panels: PlaceablePanel[]): PlaceablePanel[] {
  return panels.map((panel) => {
    const own = panel.build().description;
    const note = 'Simulated: the pipeline simulator publishes this metric; pipewatch ships no warehouse usage or cost exporter.';
    return panel.description(own ? `${own} ${note}` : note);
  });
}

/** Platform-wide; the pipeline specs do not change it, but it keeps the dashboard-function shape. */
export function dataLakeWarehouseDashboard(_specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'dataLakeWarehouse',
    'Data Lake & Warehouse',
    'Storage and serving: data-lake space and accesses, warehouse response time, records loaded and what the pipelines produce. Data-lake, warehouse and KPI figures are simulated unless your own exporters publish the same metrics.',
    ['data'],
  );
  return layoutSections(builder, [
    section(`Data lake ${SIMULATED}`, simulated(dataLakePanels())),
    section(`Warehouse ${SIMULATED}`, simulated(warehousePanels())),
    section('Pipeline output', pipelineOutputPanels()),
    section(KPI_SECTION, kpiPanels(options)),
  ]);
}
