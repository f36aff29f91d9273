import { PipelineSpec } from '../pipeline/spec';
import { pipelineRecordingGroups } from '../rules/pipeline-recording';
import { pipelineRuleGroups, platformRuleGroups, RuleSetOptions } from '../rules/rule-set';
import { RecordingRule, Rule, RuleGroup } from '../rules/types';
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

/** Threshold records, in order, in PrometheusRule objects `<base>-<n>`, each holding one group `<group>-<n>` under the budget. */
function packThresholdRecords(scope: ObjectScope, base: string, part: string, group: string, records: readonly RecordingRule[]): KubeObject[] {
  return packUnderBudget(
    records,
    (chunk, i) => prometheusRule(scope, `${base}-${i + 1}`, [{ name: `${group}-${i + 1}`, rules: chunk }], part),
    (r) => `PrometheusRule ${base} record ${r.record}{dag_id="${r.labels?.dag_id}"}`,
  );
}

const isRecord = (rule: Rule): rule is RecordingRule => 'record' in rule;

/**
 * The stack's rules as PrometheusRule objects: the recording rules, the
 * platform rules, each team's threshold records (so a team's thresholds are
 * reviewed and owned together), and the pipeline alerts, written once for
 * every pipeline, in a group of their own; each packed under the object
 * budget. The Docker stack's one `pipewatch-pipelines` group (thresholds,
 * then alerts) does not fit one object at scale: docs/kubernetes.md says
 * what evaluating them in separate groups changes.
 */
export function prometheusRules(scope: ObjectScope, specs: readonly PipelineSpec[], options: RuleSetOptions = {}): KubeObject[] {
  const groups = pipelineRuleGroups(specs, options);
  const recording = groups.slice(0, pipelineRecordingGroups().length);
  const pipelines = groups.slice(recording.length);
  if (pipelines.length !== 1) throw new Error(`expected one pipeline alert group after the recording groups, got ${pipelines.map((g) => g.name).join(', ')}`);
  const [pipelineGroup] = pipelines;
  const records = pipelineGroup.rules.filter(isRecord);
  const teamOf = new Map(specs.map((s) => [s.dagId, s.ownerTeam]));
  const teams = [...new Set(specs.map((s) => s.ownerTeam))].sort();
  const seen = new Map<string, string>();
  for (const team of teams) {
    const other = seen.get(namePart(team));
    if (other) invalid(`pipelines (team ${team})`, 'ownerTeam', team, `It names the same Kubernetes objects as team "${other}" ("_" becomes "-"); rename one of them.`);
    seen.set(namePart(team), team);
  }
  return [
    ...packRuleGroups(scope, objectName('PrometheusRule', scope, 'recording'), 'recording', recording),
    ...packRuleGroups(scope, objectName('PrometheusRule', scope, 'platform'), 'platform', platformRuleGroups(options).filter((g) => !DOCKER_ONLY_RULE_GROUPS.includes(g.name))),
    ...teams.flatMap((team) =>
      packThresholdRecords(
        scope,
        objectName(`pipelines (team ${team})`, scope, 'thresholds', namePart(team)),
        `thresholds-${namePart(team)}`,
        `pipewatch-thresholds-${namePart(team)}`,
        records.filter((r) => teamOf.get(r.labels?.dag_id ?? '') === team),
      ),
    ),
    ...packRuleGroups(scope, objectName('PrometheusRule', scope, 'pipeline-alerts'), 'pipeline-alerts', [{ ...pipelineGroup, rules: pipelineGroup.rules.filter((r) => !isRecord(r)) }]),
  ];
}
