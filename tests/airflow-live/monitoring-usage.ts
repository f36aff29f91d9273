/**
 * Which Airflow and pipeline metric families the stack's alerts, recording
 * rules and dashboards read, and which of their labels they rely on. Computed
 * from the rules and dashboards the stack generates, never from a list.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { METRIC_CATALOG, MetricFamily, MetricSource, seriesNames } from '../../content/metrics/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';
import { pipewatchRuleFiles } from '../../content/rules/rule-set';
import { allDashboards } from '../../dashboards/index';
import { DashboardJson } from '../../content/grafana/dashboard-json';
import { panelsOf } from '../../dashboards/panels';
import { variableInnerQuery } from '../../dashboards/query-languages';
import { substituteVariables } from '../../dashboards/template-variables';

/** Families that travel Airflow's StatsD path: Airflow's own and the DAG helpers'. */
export const AIRFLOW_SOURCES: readonly MetricSource[] = ['airflow', 'pipeline'];
/** Families the Airflow exporter reads from Airflow's metadata database. */
export const AIRFLOW_STATE_SOURCES: readonly MetricSource[] = ['airflow-exporter'];

/** One PromQL expression and where the stack uses it, for messages. */
export interface UsedQuery {
  readonly where: string;
  readonly expr: string;
  /** A label the query reads from the result of the expression (Grafana `label_values(…, label)`). */
  readonly extraLabel?: string;
}

export interface FamilyUse {
  readonly family: MetricFamily;
  /** Label names the queries select on or group by, sorted. */
  readonly labels: readonly string[];
  /** Where the family is read, e.g. `rule pipewatch-airflow/AirflowPoolStarving`. */
  readonly usedBy: readonly string[];
}

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const familyBySeries = new Map(METRIC_CATALOG.flatMap((f) => seriesNames(f).map((s) => [s, f] as const)));

function labelNamesUnder(node: SyntaxNode | null, text: string): string[] {
  return node ? node.getChildren('LabelName').map((n) => text.slice(n.from, n.to)) : [];
}

/** `by (…)` labels of the closest aggregation around a selector: the labels the raw series must carry. */
function groupingLabels(selector: SyntaxNode, text: string): string[] {
  for (let node = selector.parent; node; node = node.parent) {
    if (node.name !== 'AggregateExpr') continue;
    const modifier = node.getChild('AggregateModifier');
    return modifier?.getChild('By') ? labelNamesUnder(modifier.getChild('GroupingLabels'), text) : [];
  }
  return [];
}

/**
 * Metric names a PromQL expression selects, each with the label names it
 * matches on (`{dag_id="…"}`) or groups it by (`sum by (dag_id) (…)`).
 */
export function selectorLabels(expr: string): { metric: string; labels: string[] }[] {
  const text = substituteVariables(expr).text;
  const found: { metric: string; labels: string[] }[] = [];
  parser.parse(text).iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const identifier = node.getChild('Identifier');
      if (!identifier) return;
      const matchers = node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
      const matched = matchers.flatMap((m) => labelNamesUnder(m, text));
      found.push({ metric: text.slice(identifier.from, identifier.to), labels: [...matched, ...groupingLabels(node, text)] });
    },
  });
  return found;
}

/** Every alerting and recording rule expression of both rule files the stack's Prometheus loads. */
export function ruleQueries(specs: readonly PipelineSpec[]): UsedQuery[] {
  return pipewatchRuleFiles(specs).flatMap((file) =>
    file.groups.flatMap((group) =>
      group.rules.map((rule) => ({ where: `rule ${group.name}/${'alert' in rule ? rule.alert : rule.record}`, expr: rule.expr })),
    ),
  );
}

function variableQueries(dashboard: DashboardJson): UsedQuery[] {
  const list = ((dashboard.templating as { list?: Record<string, unknown>[] } | undefined)?.list ?? []).filter((v) => v.type === 'query');
  return list.flatMap((v) => {
    const definition = typeof v.query === 'string' ? v.query : '';
    const inner = variableInnerQuery(definition);
    const label = /,\s*([a-zA-Z_]\w*)\s*\)\s*$/.exec(definition)?.[1];
    return inner === undefined ? [] : [{ where: `dashboard ${String(dashboard.uid)} variable $${String(v.name)}`, expr: inner, extraLabel: definition.startsWith('label_values') ? label : undefined }];
  });
}

/** Every PromQL query of every generated dashboard: panel targets and query variables. */
export function dashboardQueries(specs: readonly PipelineSpec[]): UsedQuery[] {
  return allDashboards(specs).flatMap((d) => [
    ...panelsOf(d.json).flatMap((panel) =>
      panel.queries.filter((q) => q.language === 'promql').map((q) => ({ where: `dashboard ${d.uid} panel "${panel.title}" (${q.refId})`, expr: q.expr })),
    ),
    ...variableQueries(d.json),
  ]);
}

/** The families of `sources` the queries read, with the labels they use, sorted by name. */
export function familiesUsed(queries: readonly UsedQuery[], sources: readonly MetricSource[] = AIRFLOW_SOURCES): FamilyUse[] {
  const uses = new Map<string, { family: MetricFamily; labels: Set<string>; usedBy: Set<string> }>();
  for (const query of queries) {
    for (const { metric, labels } of selectorLabels(query.expr)) {
      const family = familyBySeries.get(metric);
      if (!family || !sources.includes(family.source)) continue;
      const use = uses.get(family.name) ?? { family, labels: new Set<string>(), usedBy: new Set<string>() };
      for (const label of [...labels, ...(query.extraLabel ? [query.extraLabel] : [])]) use.labels.add(label);
      use.usedBy.add(query.where);
      uses.set(family.name, use);
    }
  }
  return [...uses.values()]
    .map((u) => ({ family: u.family, labels: [...u.labels].sort(), usedBy: [...u.usedBy].sort() }))
    .sort((a, b) => a.family.name.localeCompare(b.family.name));
}

/** What the stack's monitoring of `specs` reads from Airflow's StatsD (or, with `sources`, elsewhere): rules and dashboards together. */
export function airflowFamiliesUsedByMonitoring(specs: readonly PipelineSpec[], sources: readonly MetricSource[] = AIRFLOW_SOURCES): FamilyUse[] {
  return familiesUsed([...ruleQueries(specs), ...dashboardQueries(specs)], sources);
}
