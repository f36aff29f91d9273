import { Duration } from '../../content/duration';
import { stringify } from 'yaml';
import { AlertingRule, RuleFile, RuleGroup, isAlertingRule } from '../../content/rules/types';

/** promtool test-file shapes. */
export interface ExpectedAlert {
  readonly exp_labels: Readonly<Record<string, string>>;
  readonly exp_annotations: Readonly<Record<string, string>>;
}

export interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpectedAlert[];
}

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface PromtoolTestCase {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly alert_rule_test: readonly AlertRuleTest[];
}

/** Scrape labels statsd-exporter's series carry in the stack. */
export const STATSD_TARGET = { instance: 'statsd-exporter:9102', job: 'statsd-exporter' };

/** Scrape labels the metadata-database exporter's series carry in the stack. */
export const EXPORTER_TARGET = { instance: 'airflow-exporter:9112', job: 'airflow-exporter' };

export function seriesOf(metric: string, labels: Readonly<Record<string, string>>): string {
  const all = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return `${metric}{${all.join(', ')}}`;
}

/** Prometheus duration for a whole number of seconds: eval times, windows. */
export const at = (seconds: number) => Duration.seconds(seconds).toPromDuration();

/**
 * Compact notation for a series that starts at `start` and then moves by
 * `step` for `count` samples per segment, e.g. [[0, 90], [1, 1], [0, 10]]:
 * flat for 90 samples, one increment, flat again.
 */
export function segments(start: number, parts: readonly (readonly [step: number, count: number])[]): string {
  let value = start;
  const out = [`${start}`];
  for (const [step, count] of parts) {
    if (count === 0) continue;
    out.push(count === 1 ? `${value + step}` : `${value + step}+${step}x${count - 1}`);
    value += step * count;
  }
  return out.join(' ');
}

/** The stack's default link targets, as a reader of a notification sees them. */
export const RUNBOOKS = 'https://github.com/pipewatch/pipewatch/blob/main/docs/runbooks.md';
export const GRAFANA = 'http://localhost:3000';

/** An alert as its test author expects it: every label and annotation written out in the case. */
export interface Expected {
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly description: string;
  /** UID of the Grafana dashboard the alert links to (filtered to its dag_id when it has one). */
  readonly dashboard: string;
}

/** promtool's form of an expected alert; the runbook anchor is the alert's section heading, lower-cased. */
export function expectedAlert(alertname: string, expected: Expected): ExpectedAlert {
  const dagFilter = expected.labels.dag_id === undefined ? '' : `?var-dag_id=${expected.labels.dag_id}`;
  return {
    exp_labels: expected.labels,
    exp_annotations: {
      summary: expected.summary,
      description: expected.description,
      runbook_url: `${RUNBOOKS}#${alertname.toLowerCase()}`,
      dashboard_url: `${GRAFANA}/d/${expected.dashboard}${dagFilter}`,
    },
  };
}

/** The alerting rule named `alert` whose static labels include `labels`; throws, naming it, when the rule set has none. */
export function findAlert(groups: readonly RuleGroup[], alert: string, labels: Readonly<Record<string, string>> = {}): AlertingRule {
  const found = groups
    .flatMap((g) => g.rules.filter(isAlertingRule))
    .find((r) => r.alert === alert && Object.entries(labels).every(([k, v]) => r.labels?.[k] === v));
  if (!found) throw new Error(`no alert ${alert} with labels ${JSON.stringify(labels)} in the rule set: a case expects it, so the rules lost it`);
  return found;
}

/**
 * A promtool test file for one rule file. Groups evaluate in file order,
 * recording rules first, as they would within one Prometheus evaluation
 * interval (promtool otherwise sorts them by name, and an alert would read
 * recorded series one step old).
 */
export const testFile = (ruleFile: RuleFile, evaluationInterval: string, tests: readonly PromtoolTestCase[]) =>
  stringify({ rule_files: [ruleFile.name], evaluation_interval: evaluationInterval, group_eval_order: ruleFile.groups.map((g) => g.name), tests }, { lineWidth: 0 });
