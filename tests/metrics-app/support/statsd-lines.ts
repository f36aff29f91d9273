import { MetricFamily } from '../../../content/metrics/catalog';

/** The StatsD metric type Airflow sends for each family type (timers become summaries in statsd_exporter). */
const STATSD_SUFFIX: Readonly<Record<string, string>> = { counter: '1|c', gauge: '1|g', summary: '1500|ms' };

/** Families that reach Prometheus through statsd_exporter. */
export function arrivesThroughStatsd(family: MetricFamily): boolean {
  return family.statsd !== undefined || family.statsdDefault !== undefined;
}

/**
 * The StatsD line Airflow (or the pipewatch DAG helpers) would send for a
 * family, derived from its mapping: each glob `*` or regex group becomes a
 * sample value (`v1`, `v2`, ...), every other label and every tag the mapping
 * removes is sent as an InfluxDB-style tag (`,dag_id=v3`), unmapped families
 * use their default name.
 */
export function statsdLineFor(family: MetricFamily): string {
  const suffix = STATSD_SUFFIX[family.type];
  if (!suffix) throw new Error(`${family.name}: a ${family.type} cannot arrive through StatsD with this mapping; extend the test if the catalog now maps one`);
  if (family.statsdDefault) return `${family.statsdDefault}:${suffix}`;
  const { match, matchType } = family.statsd!;
  let capture = 0;
  if (matchType === 'regex') {
    const name = match.replace(/^\^|\$$/g, '').replace(/\([^)]*\)/g, () => `v${++capture}`).replace(/\\\./g, '.');
    if (!new RegExp(match).test(name)) throw new Error(`${family.name}: cannot derive a StatsD name for regex ${match}; got ${name}`);
    return `${name}:${suffix}`;
  }
  const name = match.replace(/\*/g, () => `v${++capture}`);
  const labelValues = family.statsd!.labelValues ?? {};
  const tags = [...family.labels.filter((l) => !(l in labelValues)), ...Object.keys(labelValues).filter((l) => labelValues[l] === '')];
  return `${name}${tags.map((t) => `,${t}=v${++capture}`).join('')}:${suffix}`;
}
