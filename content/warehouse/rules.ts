import { Duration } from '../duration';
import { invalid } from '../validation';
import { AlertDraft, AlertLinkOptions, withLinks } from '../rules/alert-links';
import { RuleGroup } from '../rules/types';
import { assertRuleGroupsValid } from '../rules/validate-rules';
import { REPLICATION_METRICS } from './replication';
import { KpiMonitorSpec, WarehouseSpec } from './spec';

export const WAREHOUSE_RULE_FILE = 'warehouse.yml';
/** The KPI's change against the same time last week, as a share of last week's value. */
export const KPI_CHANGE_RECORD = 'kpi:pipewatch_kpi_change_vs_last_week:ratio';

const DEFAULT_REPLICATION_LAG_FOR = Duration.minutes(2);
const KPI_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function validate(spec: WarehouseSpec, where: string): void {
  const lag = spec.replicationLagBound;
  if (lag !== undefined && lag.toSeconds() <= 0) invalid(where, 'replicationLagBound', lag.toString(), 'Use a duration greater than zero, e.g. Duration.minutes(5).');
  const lagFor = spec.replicationLagFor;
  if (lagFor !== undefined && lagFor.toSeconds() < 0) invalid(where, 'replicationLagFor', lagFor.toString(), 'Use a duration of zero or more, e.g. Duration.minutes(2).');
  const kpis = new Set<string>();
  (spec.kpis ?? []).forEach((k, i) => {
    const at = `${where}.kpis[${i}]`;
    if (!KPI_NAME.test(k.kpi)) invalid(at, 'kpi', k.kpi, 'Use lowercase letters, digits and "_", starting with a letter (e.g. "conversion_rate").');
    if (kpis.has(k.kpi)) invalid(at, 'kpi', k.kpi, 'Each KPI is monitored once.');
    kpis.add(k.kpi);
    if (!TEAM.test(k.ownerTeam)) invalid(at, 'ownerTeam', k.ownerTeam, 'Use a lowercase team name of letters, digits, "_" and "-" (e.g. "analytics").');
    if (!(k.maxChangeVsLastWeek > 0 && k.maxChangeVsLastWeek < 1)) invalid(at, 'maxChangeVsLastWeek', k.maxChangeVsLastWeek, 'Use a share between 0 and 1, e.g. 0.05 for "5% worse than last week".');
  });
}

function replicationLag(spec: WarehouseSpec): AlertDraft[] {
  if (spec.replicationLagBound === undefined) return [];
  const bound = spec.replicationLagBound.toSeconds();
  const latest = (metric: string) => `max by (instance) (last_over_time(${metric}[5m]))`;
  return [
    {
      alert: 'PostgresReplicationLagHigh',
      // Only replicas: a primary has no lag to report.
      expr: `${latest(REPLICATION_METRICS.lagSeconds)} > ${bound} and on (instance) ${latest(REPLICATION_METRICS.isReplica)} == 1`,
      for: (spec.replicationLagFor ?? DEFAULT_REPLICATION_LAG_FOR).toPromDuration(),
      labels: { severity: 'warning', team: spec.team ?? 'data-platform' },
      summary: 'PostgreSQL replica {{ $labels.instance }} lags behind its primary',
      description: `Replica {{ $labels.instance }} replays changes {{ $value | humanizeDuration }} behind its primary, over the declared bound of ${bound}s: reads from it (reports, dbt sources) see old data.`,
      dashboard: 'dataLakeWarehouse',
    },
  ];
}

const seriesOf = (k: KpiMonitorSpec) => k.series ?? `pipewatch_business_kpi_value{kpi="${k.kpi}"}`;

/**
 * What a KPI monitor compares, as series with a `kpi` label: the alert and the
 * KPI dashboard row read the same records, and the allowed change is data, so
 * one query per panel serves every KPI.
 */
export const KPI_RECORDS = {
  /** The KPI now (latest sample of its series within 10 minutes). */
  value: 'kpi:pipewatch_kpi_value:max',
  /** The KPI at the same time last week. */
  lastWeek: 'kpi:pipewatch_kpi_value_last_week:max',
  /** (now − last week) / last week. */
  change: KPI_CHANGE_RECORD,
  /** The change the bad way: positive when the KPI got worse (a fall for higher-is-better). */
  worse: 'kpi:pipewatch_kpi_worse_vs_last_week:ratio',
  /** The declared maxChangeVsLastWeek: the alert fires while `worse` is above it. */
  allowedWorse: 'kpi:pipewatch_kpi_allowed_worse_vs_last_week:ratio',
} as const;

/** The records of one KPI (needs a week of history for last week's value). */
function kpiRecords(k: KpiMonitorSpec) {
  const labels = { kpi: k.kpi };
  const of = (record: string) => `${record}{kpi="${k.kpi}"}`;
  return [
    { record: KPI_RECORDS.value, expr: `max(last_over_time(${seriesOf(k)}[10m]))`, labels },
    { record: KPI_RECORDS.lastWeek, expr: `max(max_over_time(${seriesOf(k)}[10m] offset 1w))`, labels },
    { record: KPI_RECORDS.change, expr: `(${of(KPI_RECORDS.value)} - ${of(KPI_RECORDS.lastWeek)}) / ${of(KPI_RECORDS.lastWeek)}`, labels },
    { record: KPI_RECORDS.worse, expr: `${k.direction === 'higher-is-better' ? '-1' : '1'} * ${of(KPI_RECORDS.change)}`, labels },
    { record: KPI_RECORDS.allowedWorse, expr: `vector(${k.maxChangeVsLastWeek})`, labels },
  ];
}

function kpiAlert(k: KpiMonitorSpec): AlertDraft {
  const way = k.direction === 'higher-is-better' ? 'fell' : 'rose';
  const allowedPercent = Math.round(k.maxChangeVsLastWeek * 10000) / 100;
  return {
    alert: 'BusinessKpiWorseThanLastWeek',
    // The value is the change the bad way, so the description reads "fell by 10%", not "by -10%".
    expr: `${KPI_RECORDS.worse}{kpi="${k.kpi}"} > ${k.maxChangeVsLastWeek}`,
    for: '15m',
    labels: { severity: k.severity ?? 'warning', team: k.ownerTeam, kpi: k.kpi },
    summary: `Business KPI ${k.kpi} ${way} against last week`,
    description: `KPI ${k.kpi} ${way} by {{ $value | humanizePercentage }} against the same time last week (allowed: ${allowedPercent}%): rule out stale or incomplete pipelines that feed it, then tell its owners.`,
    dashboard: 'dataLakeWarehouse',
  };
}

/** warehouse.yml: the KPI records, then the replication and KPI alerts; `where` names the spec in errors. */
export function warehouseRuleGroups(spec: WarehouseSpec, links: AlertLinkOptions = {}, where = 'warehouse'): RuleGroup[] {
  validate(spec, where);
  const kpis = spec.kpis ?? [];
  const groups = [
    ...(kpis.length > 0 ? [{ name: 'pipewatch-kpi-records', rules: kpis.flatMap(kpiRecords) }] : []),
    { name: 'pipewatch-warehouse', rules: [...replicationLag(spec), ...kpis.map(kpiAlert)].map((d) => withLinks(d, links)) },
  ];
  assertRuleGroupsValid(groups, WAREHOUSE_RULE_FILE);
  return groups;
}
