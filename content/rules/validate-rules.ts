import { METRIC_CATALOG, seriesNames } from '../metrics/catalog';
import { Duration } from '../duration';
import { selectedMetricNames } from './promql';
import { isAlertingRule, RuleGroup } from './types';

const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** level:metric:operation, e.g. dag_id:pipewatch_run_failure_ratio:ratio_rate1h. */
const RECORD_NAME = /^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/;
/** Series Prometheus itself creates for every rule set. */
const BUILTIN_SERIES = ['ALERTS', 'ALERTS_FOR_STATE'];

const catalogSeries = new Set(METRIC_CATALOG.flatMap(seriesNames));

/**
 * Checks a whole rule set before it is rendered: names follow the
 * conventions, every expression parses, and every metric it reads is in the
 * metric catalog or recorded by a rule of the same set. Errors name the file,
 * group and rule. `alsoRecorded` names series the set records only for
 * some catalogs (a severity override, say) that its rules may read anyway.
 */
export function assertRuleGroupsValid(groups: readonly RuleGroup[], file: string, alsoRecorded: readonly string[] = []): void {
  const recorded = new Set([...alsoRecorded, ...groups.flatMap((g) => g.rules.flatMap((r) => (isAlertingRule(r) ? [] : [r.record])))]);
  const groupNames = new Set<string>();
  for (const group of groups) {
    if (groupNames.has(group.name)) throw new Error(`${file}: rule group "${group.name}" is declared twice. Give every group its own name.`);
    groupNames.add(group.name);
    if (group.interval !== undefined) parseDuration(group.interval, `${file}: group ${group.name} interval`);
    for (const rule of group.rules) {
      const name = isAlertingRule(rule) ? rule.alert : rule.record;
      const where = `${file}: group ${group.name}, ${isAlertingRule(rule) ? 'alert' : 'record'} ${name}`;
      if (isAlertingRule(rule)) {
        if (!ALERT_NAME.test(name)) throw new Error(`${where}: alert names are PascalCase starting with the subject, e.g. "PipelineRunFailed".`);
        if (rule.for !== undefined) parseDuration(rule.for, `${where} for`);
      } else if (!RECORD_NAME.test(name)) {
        throw new Error(`${where}: recording rules are named level:metric:operation, e.g. "dag_id:pipewatch_run_failure_ratio:ratio_rate1h".`);
      }
      for (const metric of selectedMetricNames(rule.expr, where)) {
        if (!catalogSeries.has(metric) && !recorded.has(metric) && !BUILTIN_SERIES.includes(metric)) {
          throw new Error(`${where}: reads "${metric}", which is neither in content/metrics/catalog.ts nor recorded by this rule set. Use a catalog metric, or add the family with the exporter that produces it.`);
        }
      }
    }
  }
}

function parseDuration(text: string, where: string): void {
  try {
    Duration.parse(text);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
