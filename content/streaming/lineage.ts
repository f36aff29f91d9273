import { anyOf, InhibitRule, matcher } from '../alertmanager/config';
import { UPSTREAM_CAUSES } from '../pipeline/lineage';
import { StreamingPipelineSpec } from './spec';
import { STREAMING_ALERTS } from './rules';

/** Alerts of an upstream streaming pipeline that explain a downstream table going stale. */
export const STREAMING_UPSTREAM_CAUSES = [STREAMING_ALERTS.lagGrowing, STREAMING_ALERTS.queryStalled, STREAMING_ALERTS.jobsFailed, STREAMING_ALERTS.deltaStale] as const;
/** What a downstream streaming pipeline shows when its input stops. */
export const STREAMING_DOWNSTREAM_SYMPTOMS = [STREAMING_ALERTS.deltaStale] as const;
/** A broker outage stops every pipeline; their lag and stale tables are its symptoms. */
const BROKER_CAUSES = [STREAMING_ALERTS.offlinePartitions, STREAMING_ALERTS.noController] as const;

/** Every upstream of the pipeline, directly or through other streaming pipelines (batch upstreams end the walk). */
function ancestorsOf(spec: StreamingPipelineSpec, specs: readonly StreamingPipelineSpec[]): string[] {
  const upstreamOf = new Map(specs.map((s) => [s.name, s.upstream ?? []]));
  const found = new Set<string>();
  const pending = [...(spec.upstream ?? [])];
  while (pending.length > 0) {
    const next = pending.shift() as string;
    if (found.has(next) || next === spec.name) continue;
    found.add(next);
    pending.push(...(upstreamOf.get(next) ?? []));
  }
  return [...found].sort();
}

/**
 * Lineage inhibition as for batch pipelines (content/pipeline/lineage.ts):
 * while a batch ancestor fails or is late, or a streaming ancestor falls
 * behind or stops, the pipeline's stale-table alert is muted. One rule
 * matches batch ancestors by dag_id, another streaming ones by pipeline;
 * names are validated unique across both. A broker outage mutes every
 * pipeline's lag and stale-table alerts.
 */
export function streamingInhibitRules(specs: readonly StreamingPipelineSpec[]): InhibitRule[] {
  const streamingNames = new Set(specs.map((s) => s.name));
  const rules: InhibitRule[] = [
    {
      source_matchers: [matcher('alertname', '=~', anyOf(BROKER_CAUSES))],
      target_matchers: [matcher('alertname', '=~', anyOf([STREAMING_ALERTS.lagGrowing, ...STREAMING_DOWNSTREAM_SYMPTOMS]))],
    },
  ];
  for (const spec of specs) {
    const ancestors = ancestorsOf(spec, specs);
    const target = [matcher('alertname', '=~', anyOf(STREAMING_DOWNSTREAM_SYMPTOMS)), matcher('pipeline', '=', spec.name)];
    const batch = ancestors.filter((a) => !streamingNames.has(a));
    const streaming = ancestors.filter((a) => streamingNames.has(a));
    if (batch.length > 0) rules.push({ source_matchers: [matcher('alertname', '=~', anyOf(UPSTREAM_CAUSES)), matcher('dag_id', '=~', anyOf(batch))], target_matchers: target });
    if (streaming.length > 0) rules.push({ source_matchers: [matcher('alertname', '=~', anyOf(STREAMING_UPSTREAM_CAUSES)), matcher('pipeline', '=~', anyOf(streaming))], target_matchers: target });
  }
  return rules;
}
