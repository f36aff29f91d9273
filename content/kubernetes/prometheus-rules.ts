import { PipelineSpec } from '../pipeline/spec';
import { pipelineRecordingGroups } from '../rules/pipeline-recording';
import { pipelineRuleGroups, platformRuleGroups, RuleSetOptions } from '../rules/rule-set';
import { RuleGroup } from '../rules/types';
import { invalid } from '../validation';
import { KubeObject, metadata, namePart, objectName, ObjectScope, packUnderBudget } from './objects';

const API_VERSION = 'monitoring.coreos.com/v1';
/**
 * Left out on Kubernetes: the container alerts read cAdvisor's Docker `name`
 * label, which kubelet's cAdvisor does not carry; kube-prometheus-stack's own
 * rules (KubePodCrashLooping, CPUThrottlingHigh, ...) watch pods instead.
 */
export const DOCKER_ONLY_RULE_GROUPS: readonly string[] = ['pipewatch-containers'];

function prometheusRule(scope: ObjectScope, name: string, groups: readonly RuleGroup[], part: string): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'PrometheusRule',
    metadata: metadata(scope, name, { labels: { 'pipewatch.io/rules': part } }),
    // A JSON round trip leaves plain data: no undefined `for` or `interval`.
    spec: { groups: JSON.parse(JSON.stringify(groups)) },
  };
}

/** Rule groups, in order, in as few PrometheusRule objects `<base>-1`, `<base>-2`, ... as keep each under the budget; a group is never split. */
export function packRuleGroups(scope: ObjectScope, base: string, part: string, groups: readonly RuleGroup[]): KubeObject[] {
  return packUnderBudget(groups, (chunk, i) => prometheusRule(scope, `${base}-${i + 1}`, chunk, part), (g) => `PrometheusRule ${base} group ${g.name}`);
}

/**
 * The stack's rules as PrometheusRule objects: the recording rules, the
 * platform rules, and each team's pipeline alert groups (so a team's rules
 * are reviewed and owned together), each packed under the object budget.
 */
export function prometheusRules(scope: ObjectScope, specs: readonly PipelineSpec[], options: RuleSetOptions = {}): KubeObject[] {
  const groups = pipelineRuleGroups(specs, options);
  const recordingCount = pipelineRecordingGroups().length;
  const alertGroupOf = new Map(specs.map((spec, i) => [spec, groups[recordingCount + i]]));
  const teams = [...new Set(specs.map((s) => s.ownerTeam))].sort();
  const seen = new Map<string, string>();
  for (const team of teams) {
    const other = seen.get(namePart(team));
    if (other) invalid(`pipelines (team ${team})`, 'ownerTeam', team, `It names the same Kubernetes objects as team "${other}" ("_" becomes "-"); rename one of them.`);
    seen.set(namePart(team), team);
  }
  return [
    ...packRuleGroups(scope, objectName('PrometheusRule', scope, 'recording'), 'recording', groups.slice(0, recordingCount)),
    ...packRuleGroups(scope, objectName('PrometheusRule', scope, 'platform'), 'platform', platformRuleGroups(options).filter((g) => !DOCKER_ONLY_RULE_GROUPS.includes(g.name))),
    ...teams.flatMap((team) =>
      packRuleGroups(scope, objectName(`pipelines (team ${team})`, scope, 'pipelines', namePart(team)), `pipelines-${namePart(team)}`, specs.filter((s) => s.ownerTeam === team).map((s) => alertGroupOf.get(s)!)),
    ),
  ];
}
