import { AlertDraft } from './alert-links';

export interface DataPlatformRuleOptions {
  /** Team that owns the data lake and the warehouse. @default 'data-platform' */
  readonly dataTeam?: string;
  /** Team that owns the business KPIs. @default 'analytics' */
  readonly kpiTeam?: string;
  /** Capacity of one data-lake zone; the space alert fires at 85% of it. @default 1 TiB */
  readonly dataLakeZoneCapacityBytes?: number;
  /** p95 warehouse response time that is too slow. @default 2 */
  readonly warehouseP95Seconds?: number;
}

const TIB = 1024 ** 4;

/** Data-lake, warehouse and business-KPI alerts on the platform-data metrics. */
export function dataPlatformAlerts(options: DataPlatformRuleOptions = {}): AlertDraft[] {
  const dataTeam = options.dataTeam ?? 'data-platform';
  const kpiTeam = options.kpiTeam ?? 'analytics';
  const capacity = options.dataLakeZoneCapacityBytes ?? TIB;
  const p95 = options.warehouseP95Seconds ?? 2;
  return [
    {
      alert: 'DataLakeSpaceHigh',
      expr: `max by (zone) (pipewatch_datalake_space_used_bytes) > ${0.85 * capacity}`,
      for: '15m',
      labels: { severity: 'warning', team: dataTeam },
      summary: 'Data-lake zone {{ $labels.zone }} is nearly full',
      description: `Zone {{ $labels.zone }} stores {{ $value | humanize1024 }}B, over 85% of its ${capacity} byte capacity; expire old partitions or add space.`,
      dashboard: 'dataLakeWarehouse',
    },
    {
      alert: 'DataLakeAccessSpike',
      // Three times the 6-hour average, and at least one access per second so a quiet zone does not flap.
      expr: 'sum by (zone) (rate(pipewatch_datalake_accesses_total[5m])) > 3 * sum by (zone) (rate(pipewatch_datalake_accesses_total[6h])) and sum by (zone) (rate(pipewatch_datalake_accesses_total[5m])) > 1',
      for: '10m',
      labels: { severity: 'warning', team: dataTeam },
      summary: 'Unusual access rate on data-lake zone {{ $labels.zone }}',
      description: 'Zone {{ $labels.zone }} serves {{ $value | humanize }} accesses/s, over three times its 6-hour average: a runaway job or unexpected reader.',
      dashboard: 'dataLakeWarehouse',
    },
    {
      alert: 'WarehouseResponseTimeHigh',
      expr: `histogram_quantile(0.95, sum by (warehouse, le) (rate(pipewatch_warehouse_response_time_seconds_bucket[5m]))) > ${p95}`,
      for: '10m',
      labels: { severity: 'warning', team: dataTeam },
      summary: 'Warehouse {{ $labels.warehouse }} answers slowly',
      description: `The 95th percentile response time of warehouse {{ $labels.warehouse }} is {{ $value | humanizeDuration }}, over ${p95}s.`,
      dashboard: 'dataLakeWarehouse',
    },
    {
      alert: 'WarehouseRecordsProcessedDrop',
      expr: 'sum by (warehouse) (rate(pipewatch_warehouse_records_processed_total[1h])) < 0.5 * sum by (warehouse) (rate(pipewatch_warehouse_records_processed_total[1h] offset 1d))',
      for: '30m',
      labels: { severity: 'warning', team: dataTeam },
      summary: 'Warehouse {{ $labels.warehouse }} loads far fewer records than yesterday',
      description: 'Warehouse {{ $labels.warehouse }} loads {{ $value | humanize }} records/s, under half the rate of the same hour yesterday.',
      dashboard: 'dataLakeWarehouse',
    },
    {
      alert: 'BusinessKpiDrop',
      expr: 'max by (kpi) (pipewatch_business_kpi_value) < 0.7 * max by (kpi) (pipewatch_business_kpi_value offset 1d)',
      for: '30m',
      labels: { severity: 'warning', team: kpiTeam },
      summary: 'Business KPI {{ $labels.kpi }} dropped',
      description: 'KPI {{ $labels.kpi }} is {{ $value | humanize }}, under 70% of its value at the same time yesterday: check the pipelines that feed it before trusting reports.',
      dashboard: 'pipelineOverview',
    },
  ];
}
