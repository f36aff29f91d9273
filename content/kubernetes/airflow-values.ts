import STATSD_SETTINGS from '../../airflow/statsd-settings.json';
import { statsdMapping } from '../metrics/statsd-mapping';

/**
 * Airflow's StatsD settings (airflow/statsd-settings.json, the Docker stack's
 * too) as the chart's `config:` sections: `AIRFLOW__METRICS__STATSD_ON`
 * becomes `config.metrics.statsd_on`. Helm merges them over the chart's own
 * `config.metrics` (which keeps its `statsd_host`, the chart's exporter).
 */
function chartConfig(settings: Readonly<Record<string, string>>): Record<string, Record<string, string>> {
  const config: Record<string, Record<string, string>> = {};
  for (const [name, value] of Object.entries(settings)) {
    const match = /^AIRFLOW__([A-Z0-9_]+?)__([A-Z0-9_]+)$/.exec(name);
    if (!match) throw new Error(`airflow/statsd-settings.json: ${name} is not an AIRFLOW__<SECTION>__<KEY> setting`);
    const section = match[1].toLowerCase();
    config[section] = { ...config[section], [match[2].toLowerCase()]: value };
  }
  return config;
}

/**
 * Values for the official Airflow Helm chart (apache-airflow/airflow): its
 * statsd-exporter with pipewatch's mapping in place of the chart's own
 * (`statsd.overrideMappings`), and Airflow sending the tagged StatsD lines
 * that mapping reads. The chart renders only the mapping list; the
 * mapping's defaults (glob matching, summaries, ttl 0s) are statsd_exporter's
 * own defaults, so the exporter maps exactly as the Docker stack's does.
 */
export function airflowChartValues(): object {
  const mapping = statsdMapping();
  if (mapping.defaults.match_type !== 'glob' || mapping.defaults.observer_type !== 'summary' || mapping.defaults.ttl !== '0s') {
    throw new Error('the StatsD mapping defaults differ from statsd_exporter\'s; the Airflow chart cannot carry them in overrideMappings');
  }
  return {
    config: chartConfig(STATSD_SETTINGS),
    statsd: { enabled: true, overrideMappings: JSON.parse(JSON.stringify(mapping.mappings)) },
  };
}
