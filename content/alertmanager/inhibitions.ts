import { InhibitRule, matcher } from './config';

/** A critical alert mutes the warning and info alerts of the same name and pipeline. */
export function severityInhibitRules(): InhibitRule[] {
  return [
    {
      source_matchers: [matcher('severity', '=', 'critical')],
      target_matchers: [matcher('severity', '=~', 'warning|info')],
      equal: ['alertname', 'dag_id'],
    },
  ];
}
