import { statsdMapping } from '../metrics/statsd-mapping';

/**
 * Values for the official Airflow Helm chart (apache-airflow/airflow): its
 * statsd-exporter with pipewatch's mapping in place of the chart's own
 * (`statsd.overrideMappings`). The chart renders only the mapping list; the
 * mapping's defaults (glob matching, summaries, ttl 0s) are statsd_exporter's
 * own defaults, so the exporter maps exactly as the Docker stack's does.
 */
export function airflowChartValues(): object {
  const mapping = statsdMapping();
  if (mapping.defaults.match_type !== 'glob' || mapping.defaults.observer_type !== 'summary' || mapping.defaults.ttl !== '0s') {
    throw new Error('the StatsD mapping defaults differ from statsd_exporter\'s; the Airflow chart cannot carry them in overrideMappings');
  }
  return {
    statsd: { enabled: true, overrideMappings: JSON.parse(JSON.stringify(mapping.mappings)) },
  };
}
