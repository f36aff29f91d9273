import { Duration } from '../../content/duration';
import { AlertingRule, RuleGroup, isAlertingRule } from '../../content/rules/types';
import { expandTemplate } from './template';

/** promtool test-file shapes (Prometheus 2.42). */
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

/** The alert the rule produces for a result series with `resultLabels` and `value`: labels merged, templates expanded. */
export function expectAlert(rule: AlertingRule, resultLabels: Readonly<Record<string, string>>, value: number): ExpectedAlert {
  const labels = { ...resultLabels, ...rule.labels };
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expandTemplate(v, labels, value)]));
  return { exp_labels: labels, exp_annotations: annotations };
}

/** The alerting rule named `alert` whose static labels include `labels`; throws when the set has none. */
export function findAlert(groups: readonly RuleGroup[], alert: string, labels: Readonly<Record<string, string>> = {}): AlertingRule {
  const found = groups
    .flatMap((g) => g.rules.filter(isAlertingRule))
    .find((r) => r.alert === alert && Object.entries(labels).every(([k, v]) => r.labels[k] === v));
  if (!found) throw new Error(`no alert ${alert} with labels ${JSON.stringify(labels)} in the rule set`);
  return found;
}
