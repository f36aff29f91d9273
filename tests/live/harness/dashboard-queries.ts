import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { METRIC_CATALOG, MetricSource, seriesNames } from '../../../content/metrics/catalog';
import type { DashboardJson } from '../../../content/grafana/dashboard-json';
import { panelsOf } from '../../../dashboards/panels';
import { parseQuery, QueryLanguage } from '../../../dashboards/query-languages';
import { REPO_ROOT } from './tools';

/** One query of one panel, as written in dashboards/generated. */
export interface PanelQuery {
  readonly dashboard: string;
  readonly panel: string;
  readonly refId: string;
  readonly language: QueryLanguage;
  readonly expr: string;
  /** Template variables (other than Grafana's built-ins) the query refers to. */
  readonly variables: readonly string[];
}

/** Grafana's built-in variables as the live check substitutes them. */
export const BUILT_IN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __interval_ms: '15000',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
};

/** `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]` or `$name`, as Grafana reads them. */
const VARIABLE_REFERENCE = /\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g;

function variablesIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(VARIABLE_REFERENCE)].map((m) => m[1] ?? m[2] ?? m[3]).filter((name) => !(name in BUILT_IN_VALUES)))];
}

/** The query with every variable replaced; a variable without a value is an error, never left in. */
export function substitute(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(VARIABLE_REFERENCE, (_match, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c) as string;
    const value = BUILT_IN_VALUES[name] ?? values[name];
    if (value === undefined) throw new Error(`no live value for $${name} in: ${expr}`);
    return value;
  });
}

/** Every PromQL and LogQL panel query of every dashboard in dashboards/generated. */
export function generatedPanelQueries(dir = join(REPO_ROOT, 'dashboards/generated')): PanelQuery[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no dashboards in ${dir}: run npm run dashboards:render`);
  return files.flatMap((file) => {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson;
    return panelsOf(json).flatMap((panel) =>
      panel.queries.flatMap((q) =>
        q.language === 'other' ? [] : [{ dashboard: json.uid, panel: panel.title, refId: q.refId, language: q.language, expr: q.expr, variables: variablesIn(q.expr) }],
      ),
    );
  });
}

/** Every combination of values for the variables a query uses. */
export function valueCombinations(variables: readonly string[], liveValues: Readonly<Record<string, readonly string[]>>): Record<string, string>[] {
  return variables.reduce<Record<string, string>[]>(
    (combos, name) => {
      const values = liveValues[name];
      if (!values || values.length === 0) throw new Error(`no live values for template variable $${name}`);
      return combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    },
    [{}],
  );
}

const SOURCE_OF_SERIES = new Map<string, MetricSource>(METRIC_CATALOG.flatMap((f) => seriesNames(f).map((s) => [s, f.source] as const)));

/** The exporters a PromQL query reads from (Prometheus's own series count as `prometheus`). */
export function sourcesOf(expr: string): MetricSource[] {
  const names = parseQuery('promql', expr).metricNames;
  return [...new Set(names.map((n) => SOURCE_OF_SERIES.get(n) ?? 'prometheus'))].sort();
}
