import { InhibitRule, matcher } from '../alertmanager/config';
import { DBT_ALERTS, UPSTREAM_FAILED_LABEL } from './rules';

/**
 * A failed model mutes the test alerts of its own and its downstream models
 * in the same project and target. The graph lives in the data (the test
 * alert carries upstream_failed="true" while a model it reads fails), so one
 * rule serves every project.
 */
export function dbtLineageInhibitRule(): InhibitRule {
  return {
    source_matchers: [matcher('alertname', '=', DBT_ALERTS.modelFailed)],
    target_matchers: [matcher('alertname', '=', DBT_ALERTS.testFailed), matcher(UPSTREAM_FAILED_LABEL, '=', 'true')],
    equal: ['project', 'target'],
  };
}
