import { anyOf, InhibitRule, matcher } from '../alertmanager/config';
import { PipelineSpec } from './spec';

/** Alerts of an upstream pipeline that explain missing data downstream. */
export const UPSTREAM_CAUSES = ['PipelineRunFailed', 'PipelineDataStale', 'PipelineDeadlineMissed', 'PipelineMetricsAbsent'] as const;
/** Alerts of a downstream pipeline that an upstream cause makes redundant. */
export const DOWNSTREAM_SYMPTOMS = ['PipelineDataStale', 'PipelineDeadlineMissed'] as const;

/** Every pipeline the given one reads from, directly or through others (the lineage is validated acyclic). */
export function ancestorsOf(dagId: string, specs: readonly PipelineSpec[]): string[] {
  const upstreamOf = new Map(specs.map((s) => [s.dagId, s.upstream ?? []]));
  const found = new Set<string>();
  const pending = [...(upstreamOf.get(dagId) ?? [])];
  while (pending.length > 0) {
    const next = pending.shift() as string;
    if (found.has(next)) continue;
    found.add(next);
    pending.push(...(upstreamOf.get(next) ?? []));
  }
  return [...found].sort();
}

/**
 * One inhibit rule per pipeline with upstreams: while any ancestor is
 * failing, stale, late or silent, the pipeline's own stale/deadline alerts
 * are muted. `equal` cannot express this (the dag_id differs between the two
 * sides by definition), so the rule names both sides' dag_ids. Ancestors, not
 * only parents: a grandparent failure makes the grandchild stale before the
 * parent's own stale alert fires.
 */
export function lineageInhibitRule(spec: PipelineSpec, specs: readonly PipelineSpec[]): InhibitRule | undefined {
  const ancestors = ancestorsOf(spec.dagId, specs);
  if (ancestors.length === 0) return undefined;
  return {
    source_matchers: [matcher('alertname', '=~', anyOf(UPSTREAM_CAUSES)), matcher('dag_id', '=~', anyOf(ancestors))],
    target_matchers: [matcher('alertname', '=~', anyOf(DOWNSTREAM_SYMPTOMS)), matcher('dag_id', '=', spec.dagId)],
  };
}

export function lineageInhibitRules(specs: readonly PipelineSpec[]): InhibitRule[] {
  return specs.flatMap((s) => lineageInhibitRule(s, specs) ?? []);
}
