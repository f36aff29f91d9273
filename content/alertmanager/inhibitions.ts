import { InhibitRule, matcher } from './config';

/**
 * What an alert is about, beyond its name: a pipeline, or a dbt project's
 * model, test or source. A label absent on both sides counts as equal.
 */
const SUBJECT_LABELS = ['alertname', 'dag_id', 'project', 'target', 'model', 'test', 'source', 'table'];

/** A critical alert mutes the warning and info alerts of the same name and subject. */
export function severityInhibitRules(): InhibitRule[] {
  return [
    {
      source_matchers: [matcher('severity', '=', 'critical')],
      target_matchers: [matcher('severity', '=~', 'warning|info')],
      equal: SUBJECT_LABELS,
    },
  ];
}
