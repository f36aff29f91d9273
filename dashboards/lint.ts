/**
 * Dashboard lint: what Grafana would only reveal as a broken panel at 3 a.m.
 * Queries must parse, name only metrics the stack really produces, and every
 * panel must say what it shows (title, datasource, unit).
 */
import { DASHBOARD_UIDS } from '../content/links';
import { METRIC_CATALOG, seriesNames } from '../content/metrics/catalog';
import { THRESHOLD_SERIES } from '../content/pipeline/thresholds';
import { KPI_RECORDS } from '../content/warehouse/rules';
import type { RenderedDashboard } from './index';
import type { DashboardJson } from '../content/grafana/dashboard-json';
import { languageOf, PanelView, panelsOf, rowsOf } from './panels';
import { parseQuery, QueryLanguage, variableInnerQuery } from './query-languages';
import { refersToVariable } from './template-variables';

export interface LintIssue {
  readonly dashboard: string;
  readonly panel?: string;
  readonly rule: string;
  readonly message: string;
}

/** Series Prometheus itself creates, which no exporter lists. */
export const PROMETHEUS_BUILT_IN_SERIES: readonly string[] = ['ALERTS', 'ALERTS_FOR_STATE', 'up'];

/** Series the rule files record for dashboards: each pipeline's thresholds, each KPI monitor's comparison with last week. */
export const RECORDED_THRESHOLD_SERIES: readonly string[] = [...Object.values(THRESHOLD_SERIES), ...Object.values(KPI_RECORDS)];

const KNOWN_METRICS = new Set([...METRIC_CATALOG.flatMap(seriesNames), ...PROMETHEUS_BUILT_IN_SERIES, ...RECORDED_THRESHOLD_SERIES]);

/** Panel types that draw numbers and so need a unit to be read correctly. */
const NUMERIC_PANEL_TYPES = new Set(['timeseries', 'stat', 'gauge', 'bargauge', 'table', 'state-timeline', 'status-history', 'barchart', 'piechart', 'heatmap']);

/** Panel types that show no query results. */
const STATIC_PANEL_TYPES = new Set(['text', 'dashlist', 'news', 'alertlist', 'annolist']);

const KNOWN_UIDS = new Set<string>(Object.values(DASHBOARD_UIDS));

type Json = Record<string, unknown>;

interface QueryInContext {
  readonly language: QueryLanguage;
  readonly expr: string;
  /** "panel title (refId)" or "variable name", for messages. */
  readonly where: string;
  readonly panel?: string;
}

function queriesOfPanel(panel: PanelView): QueryInContext[] {
  return panel.queries.flatMap((q) => (q.language === 'other' ? [] : [{ language: q.language, expr: q.expr, where: `query ${q.refId}`, panel: panel.title }]));
}

function variablesOf(dashboard: DashboardJson): Json[] {
  return (((dashboard.templating as Json | undefined)?.list as Json[] | undefined) ?? []).filter((v) => typeof v === 'object' && v !== null);
}

function queriesOfVariables(dashboard: DashboardJson): QueryInContext[] {
  return variablesOf(dashboard).flatMap((v) => {
    const language = languageOf(v.datasource);
    const inner = v.type === 'query' && typeof v.query === 'string' ? variableInnerQuery(v.query) : undefined;
    return language === 'other' || inner === undefined ? [] : [{ language, expr: inner, where: `variable $${String(v.name)}` }];
  });
}

function allQueries(dashboard: DashboardJson): QueryInContext[] {
  return [...panelsOf(dashboard).flatMap(queriesOfPanel), ...queriesOfVariables(dashboard)];
}

function queryIssues(query: QueryInContext): Omit<LintIssue, 'dashboard'>[] {
  const base = { panel: query.panel };
  if (query.expr.trim() === '') return [{ ...base, rule: 'empty-query', message: `${query.where} is empty` }];
  const parsed = parseQuery(query.language, query.expr);
  const label = query.language === 'promql' ? 'PromQL' : 'LogQL';
  return [
    ...parsed.errors.map((e) => ({ ...base, rule: `${query.language}-syntax`, message: `${query.where}: ${label} does not parse at ${e.position} near \`${e.near}\`` })),
    ...parsed.metricNames
      .filter((name) => !KNOWN_METRICS.has(name))
      .map((name) => ({
        ...base,
        rule: 'unknown-metric',
        message: `${query.where} uses metric "${name}", which no exporter in content/metrics/catalog.ts produces`,
      })),
    ...parsed.unnamedSelectors.map((s) => ({ ...base, rule: 'unnamed-selector', message: `${query.where}: selector \`${s}\` has no literal metric name, so it cannot be checked` })),
  ];
}

function panelIssues(panel: PanelView): Omit<LintIssue, 'dashboard'>[] {
  const issues: Omit<LintIssue, 'dashboard'>[] = [];
  const at = { panel: panel.title || `panel id ${panel.id ?? '?'}` };
  if (!panel.title.trim()) issues.push({ ...at, rule: 'missing-title', message: 'panel has no title' });
  if (STATIC_PANEL_TYPES.has(panel.type)) return issues;
  if (panel.queries.length === 0) issues.push({ ...at, rule: 'no-queries', message: 'panel has no queries' });
  const targets = (panel.json.targets as Json[] | undefined) ?? [];
  if (!panel.json.datasource && targets.some((t) => !t.datasource)) issues.push({ ...at, rule: 'missing-datasource', message: 'panel and its queries name no datasource' });
  const unit = ((panel.json.fieldConfig as Json | undefined)?.defaults as Json | undefined)?.unit;
  if (NUMERIC_PANEL_TYPES.has(panel.type) && (typeof unit !== 'string' || unit === '')) {
    issues.push({ ...at, rule: 'missing-unit', message: `${panel.type} panel has no unit (fieldConfig.defaults.unit)` });
  }
  return issues;
}

function duplicates<T>(values: readonly T[]): T[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function structureIssues(dashboard: DashboardJson, panels: readonly PanelView[]): Omit<LintIssue, 'dashboard'>[] {
  const issues: Omit<LintIssue, 'dashboard'>[] = [];
  const uid = String(dashboard.uid ?? '');
  if (!KNOWN_UIDS.has(uid)) issues.push({ rule: 'unknown-uid', message: `uid "${uid}" is not one of DASHBOARD_UIDS in content/links.ts` });
  const ids = [...rowsOf(dashboard).map((r) => r.id), ...panels.map((p) => p.id)];
  if (ids.some((id) => typeof id !== 'number')) issues.push({ rule: 'missing-panel-id', message: 'every panel and row needs a numeric id' });
  for (const id of duplicates(ids.filter((id) => typeof id === 'number'))) issues.push({ rule: 'duplicate-panel-id', message: `panel id ${id} is used more than once` });
  for (const title of duplicates(panels.map((p) => p.title).filter(Boolean))) {
    issues.push({ panel: title, rule: 'duplicate-panel-title', message: 'panel title is used more than once, so reviews and links cannot tell the panels apart' });
  }
  return issues;
}

function unusedVariableIssues(dashboard: DashboardJson): Omit<LintIssue, 'dashboard'>[] {
  const variables = variablesOf(dashboard);
  return variables.flatMap((variable) => {
    const name = String(variable.name);
    const elsewhere = JSON.stringify({ ...dashboard, templating: { list: variables.filter((v) => v !== variable) } });
    return refersToVariable(elsewhere, name) ? [] : [{ rule: 'unused-variable', message: `variable $${name} is not used by any panel, link or other variable` }];
  });
}

const DASHBOARD_LINK = /\/d\/([A-Za-z0-9_-]+)/g;

function brokenLinkIssues(dashboard: DashboardJson): Omit<LintIssue, 'dashboard'>[] {
  const text = JSON.stringify(dashboard);
  return [...new Set([...text.matchAll(DASHBOARD_LINK)].map((m) => m[1]))]
    .filter((uid) => !KNOWN_UIDS.has(uid))
    .map((uid) => ({ rule: 'broken-dashboard-link', message: `links to /d/${uid}, which is not a pipewatch dashboard` }));
}

export function lintDashboard(dashboard: DashboardJson): LintIssue[] {
  const title = String(dashboard.title ?? dashboard.uid ?? 'untitled dashboard');
  const panels = panelsOf(dashboard);
  return [
    ...structureIssues(dashboard, panels),
    ...panels.flatMap(panelIssues),
    ...allQueries(dashboard).flatMap(queryIssues),
    ...unusedVariableIssues(dashboard),
    ...brokenLinkIssues(dashboard),
  ].map((issue) => ({ dashboard: title, ...issue }));
}

export function lintDashboards(dashboards: readonly RenderedDashboard[]): LintIssue[] {
  const uids = dashboards.map((d) => d.uid);
  return [
    ...duplicates(uids).map((uid) => ({ dashboard: uid, rule: 'duplicate-uid', message: `uid "${uid}" belongs to more than one dashboard` })),
    ...dashboards.flatMap((d) => lintDashboard(d.json)),
  ];
}

export function formatIssue(issue: LintIssue): string {
  return `${issue.dashboard}${issue.panel ? ` › ${issue.panel}` : ''}: [${issue.rule}] ${issue.message}`;
}

/**
 * Metric names each dashboard queries (from the PromQL parse trees of panels
 * and variables), keyed by dashboard uid: the set a live Prometheus must serve.
 */
export function metricsUsedByDashboards(dashboards: readonly RenderedDashboard[]): Record<string, string[]> {
  return Object.fromEntries(
    dashboards.map((d) => {
      const names = allQueries(d.json)
        .filter((q) => q.language === 'promql')
        .flatMap((q) => parseQuery('promql', q.expr).metricNames);
      return [d.uid, [...new Set(names)].sort()];
    }),
  );
}
