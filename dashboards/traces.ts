/**
 * Links from dashboards to Airflow's traces: Grafana Explore on the Jaeger datasource,
 * searching service `airflow` by the attributes of Airflow's run span (RUN_SPAN_ATTRIBUTES).
 */
import { JAEGER_DATASOURCE } from '../content/grafana/datasources';
import { AIRFLOW_TRACES_SERVICE } from '../content/traces/airflow-spans';

/**
 * Explore URL of a Jaeger search for the spans whose attributes equal `tags` (logfmt, as the
 * datasource's `tags` field takes them). Values may hold Grafana variables (`$dag_id`,
 * `${__value.raw}`): they stay unencoded so Grafana fills them in first.
 */
export function jaegerSearchUrl(tags: Readonly<Record<string, string>>): string {
  const logfmt = Object.entries(tags).map(([key, value]) => `${key}="${value}"`).join(' ');
  const pane = {
    datasource: JAEGER_DATASOURCE.uid,
    queries: [{ refId: 'A', datasource: { type: JAEGER_DATASOURCE.type, uid: JAEGER_DATASOURCE.uid }, queryType: 'search', service: AIRFLOW_TRACES_SERVICE, tags: logfmt }],
    range: { from: '${__from}', to: '${__to}' },
  };
  // Encode everything but the variables.
  const encoded = JSON.stringify({ traces: pane }).split(/(\$\{[^}]+\}|\$\w+)/).map((part, i) => (i % 2 ? part : encodeURIComponent(part))).join('');
  return `/explore?schemaVersion=1&orgId=1&panes=${encoded}`;
}
