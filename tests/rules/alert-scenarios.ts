import { RuleGroup } from '../../content/rules/types';
import { Expected, expectedAlert, findAlert, InputSeries, PromtoolTestCase } from './promtool-model';

/** One promtool case: series in, the alerts expected at one evaluation time (none: the alert stays silent). */
export interface Scenario {
  readonly alert: string;
  readonly when: string;
  readonly interval: string;
  readonly evalTime: string;
  readonly input: readonly InputSeries[];
  readonly expected: readonly Expected[];
}

/** promtool cases named GIVEN `subject` WHEN … THEN …; throws when a rule a case expects is gone from `groups`. */
export function scenarioCases(groups: readonly RuleGroup[], subject: string, scenarios: readonly Scenario[]): PromtoolTestCase[] {
  return scenarios.map((s) => {
    findAlert(groups, s.alert);
    return {
      name: `GIVEN ${subject} WHEN ${s.when} THEN ${s.alert} ${s.expected.length > 0 ? 'fires' : 'stays silent'}`,
      interval: s.interval,
      input_series: s.input,
      alert_rule_test: [{ eval_time: s.evalTime, alertname: s.alert, exp_alerts: s.expected.map((e) => expectedAlert(s.alert, e)) }],
    };
  });
}
