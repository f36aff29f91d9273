import { AlertingRule, isAlertingRule, RuleGroup } from '../../content/rules/types';
import { PromtoolTestCase } from './promtool-model';

/** Alerts that fire by design at all times: they have no silent case. */
export const ALWAYS_FIRING = ['Watchdog'];

export interface Coverage {
  readonly covered: number;
  readonly total: number;
  /** `Alert{labels}` of each rule lacking a firing or a silent case. */
  readonly missing: string[];
}

const describe = (rule: AlertingRule) => `${rule.alert}${JSON.stringify(rule.labels ?? {})}`;
/** A templated label (`{{ $labels.team }}`, copied from the expression) matches whatever value the case expects. */
const matches = (rule: AlertingRule, labels: Readonly<Record<string, string>>) =>
  Object.entries(rule.labels ?? {}).every(([k, v]) => labels[k] === v || (v.includes('{{') && labels[k] !== undefined));

/**
 * A rule is covered when some case expects it to fire (its static labels
 * among the expected labels) and some case checks its alert name with this
 * rule's labels absent from the expected alerts.
 */
export function alertCoverage(groups: readonly RuleGroup[], cases: readonly PromtoolTestCase[]): Coverage {
  const rules = groups.flatMap((g) => g.rules.filter(isAlertingRule));
  const checks = cases.flatMap((c) => c.alert_rule_test);
  const missing = rules.filter((rule) => {
    const own = checks.filter((t) => t.alertname === rule.alert);
    const fires = own.some((t) => t.exp_alerts.some((a) => matches(rule, a.exp_labels)));
    const silent = ALWAYS_FIRING.includes(rule.alert) || own.some((t) => !t.exp_alerts.some((a) => matches(rule, a.exp_labels)));
    return !(fires && silent);
  });
  return { covered: rules.length - missing.length, total: rules.length, missing: missing.map(describe) };
}
