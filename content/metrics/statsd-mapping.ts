import { METRIC_CATALOG, MetricFamily } from './catalog';

/** One statsd_exporter mapping rule, shaped like its YAML. */
export interface StatsdMappingRule {
  readonly match: string;
  readonly match_type?: 'regex';
  readonly name: string;
  readonly help?: string;
  readonly labels?: Record<string, string>;
  readonly action?: 'drop';
}

export interface StatsdMappingConfig {
  readonly defaults: { readonly observer_type: 'summary'; readonly match_type: 'glob'; readonly ttl: string };
  readonly mappings: readonly StatsdMappingRule[];
}

function ruleFor(f: MetricFamily): StatsdMappingRule | undefined {
  if (!f.statsd) return undefined;
  return {
    match: f.statsd.match,
    ...(f.statsd.matchType === 'regex' ? { match_type: 'regex' as const } : {}),
    name: f.name,
    help: f.help,
    ...(f.statsd.labelValues ? { labels: { ...f.statsd.labelValues } } : {}),
  };
}

/** Drops the other line of a family's measurement (see StatsdMatch.duplicate); statsd_exporter wants a name even on a drop rule. */
function dropRuleFor(f: MetricFamily): StatsdMappingRule | undefined {
  const duplicate = f.statsd?.duplicate;
  if (!duplicate) return undefined;
  return { match: duplicate.match, ...(duplicate.matchType === 'regex' ? { match_type: 'regex' as const } : {}), action: 'drop', name: 'dropped' };
}

/**
 * The statsd_exporter mapping for Airflow and the pipeline helpers, rendered
 * from the metric catalog: Airflow's tagged lines (InfluxDB-style tags, which
 * statsd_exporter turns into labels), the legacy lines of families whose tags
 * do not fit, pipewatch's own families, and drop rules for the other line of
 * each measurement. Unmapped Airflow lines keep statsd_exporter's default naming.
 */
export function statsdMapping(extraRules: readonly StatsdMappingRule[] = []): StatsdMappingConfig {
  // Drop rules first: statsd_exporter's glob matcher (seen in v0.28.0) never matches a glob that is a prefix
  // of an earlier one (`airflow.pool.open_slots` after `airflow.pool.open_slots.*`), as the shared state keeps no result.
  const rules = [...METRIC_CATALOG.map(dropRuleFor), ...METRIC_CATALOG.map(ruleFor)].filter((r): r is StatsdMappingRule => r !== undefined);
  return {
    // ttl 0s keeps every series: an expiring counter would read as a reset to the rate() functions.
    defaults: { observer_type: 'summary', match_type: 'glob', ttl: '0s' },
    mappings: [...rules, ...extraRules],
  };
}
