/**
 * What a live Prometheus holds of Airflow's metrics, grouped into families,
 * and how that compares with what the monitoring reads.
 */
import { METRIC_CATALOG, MetricFamily, seriesNames } from '../../content/metrics/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';
import type { Sample } from '../live/harness/prometheus';
import { FamilyUse } from './monitoring-usage';

/** Selects every series statsd_exporter publishes for Airflow and the DAG helpers. */
export const AIRFLOW_SERIES_SELECTOR = '{__name__=~"airflow_.+|pipewatch_.+"}';

/** Labels Prometheus or the summary type add, not Airflow. */
const NOT_FROM_AIRFLOW = new Set(['__name__', 'job', 'instance', 'quantile']);

export interface SeenFamily {
  readonly name: string;
  /** The catalog family, when the name is one. */
  readonly catalog?: MetricFamily;
  readonly series: readonly Readonly<Record<string, string>>[];
}

const familyBySeries = new Map(METRIC_CATALOG.flatMap((f) => seriesNames(f).map((s) => [s, f] as const)));

/** A series name's family: the catalog's, else the name without a summary's `_sum`/`_count` when the bare name exists too. */
function familyName(name: string, names: ReadonlySet<string>): string {
  const known = familyBySeries.get(name);
  if (known) return known.name;
  const base = name.replace(/_(sum|count)$/, '');
  return base !== name && names.has(base) ? base : name;
}

/** Series grouped by family; each family's series are listed once per label set (a summary's quantiles fold together). */
export function seenFamilies(samples: readonly Sample[]): SeenFamily[] {
  const names = new Set(samples.map((s) => s.metric.__name__));
  const byFamily = new Map<string, Map<string, Record<string, string>>>();
  for (const sample of samples) {
    const family = familyName(sample.metric.__name__, names);
    const labels = Object.fromEntries(Object.entries(sample.metric).filter(([k]) => !NOT_FROM_AIRFLOW.has(k)));
    const series = byFamily.get(family) ?? new Map<string, Record<string, string>>();
    series.set(JSON.stringify(Object.entries(labels).sort()), labels);
    byFamily.set(family, series);
  }
  return [...byFamily.entries()]
    .map(([name, series]) => ({ name, catalog: familyBySeries.get(name), series: [...series.values()] }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function labelNames(family: SeenFamily): string[] {
  return [...new Set(family.series.flatMap((s) => Object.keys(s)))].sort();
}

export function labelValues(family: SeenFamily, label: string): string[] {
  return [...new Set(family.series.map((s) => s[label]).filter((v): v is string => v !== undefined))].sort();
}

/** Label values the example pipelines' specs define: a live value outside them means a name part went astray. */
export function specDomains(specs: readonly PipelineSpec[]): Readonly<Record<string, ReadonlySet<string>>> {
  return {
    dag_id: new Set(specs.map((s) => s.dagId)),
    task_id: new Set(specs.flatMap((s) => s.tasks.map((t) => t.taskId))),
    check: new Set(specs.flatMap((s) => (s.dataQualityChecks ?? []).map((c) => c.name))),
    dataset: new Set(specs.flatMap((s) => (s.dataQualityChecks ?? []).map((c) => c.dataset))),
  };
}

export interface Mismatch {
  readonly family: string;
  readonly problem: string;
}

/**
 * Every way the live data falls short of what the monitoring reads: a family
 * with no series, a label the catalog does not declare, a used label that some
 * series lack (an alert grouping by it would see an empty group), or a value
 * outside the pipelines' specs.
 */
export function mismatches(used: readonly FamilyUse[], seen: readonly SeenFamily[], domains: Readonly<Record<string, ReadonlySet<string>>>): Mismatch[] {
  const byName = new Map(seen.map((f) => [f.name, f]));
  return used.flatMap(({ family, labels }): Mismatch[] => {
    const live = byName.get(family.name);
    if (!live || live.series.length === 0) return [{ family: family.name, problem: 'no series' }];
    // A label the catalog does not declare means a tag slipped through the mapping: the label sets rules group by changed.
    const undeclared = labelNames(live).filter((l) => !family.labels.includes(l));
    if (undeclared.length > 0) return [{ family: family.name, problem: `labels the catalog does not declare: ${undeclared.join(', ')}` }];
    return labels.flatMap((label): Mismatch[] => {
      const lacking = live.series.filter((s) => !s[label]);
      if (lacking.length > 0) {
        return [{ family: family.name, problem: `${lacking.length} of ${live.series.length} series lack label ${label} (e.g. ${JSON.stringify(lacking[0])})` }];
      }
      const domain = domains[label];
      const outside = domain ? labelValues(live, label).filter((v) => !domain.has(v)) : [];
      return outside.length > 0 ? [{ family: family.name, problem: `${label} values not in the pipeline specs: ${outside.join(', ')}` }] : [];
    });
  });
}

/** Used families not yet complete: what the check still waits for. */
export function waitingFor(used: readonly FamilyUse[], seen: readonly SeenFamily[], domains: Readonly<Record<string, ReadonlySet<string>>>): string[] {
  return [...new Set(mismatches(used, seen, domains).map((m) => m.family))];
}
