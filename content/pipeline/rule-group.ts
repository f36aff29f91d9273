import { AlertLinkOptions, withLinks } from '../rules/alert-links';
import { RuleGroup } from '../rules/types';
import { PipelineAlertBuilder } from './alerts';
import { pipelineThresholdSamples, thresholdRecords, ThresholdSample } from './thresholds';
import { scheduleOf } from './validate';
import { PipelineSpec } from './spec';

/** Prometheus rule group of the pipeline alerts and the thresholds they join. */
export const PIPELINE_ALERT_GROUP = 'pipewatch-pipelines';

/** Samples by spec: each stack of a process shares the same sample objects, so their rule files render once (renderPipelineRuleFile). */
const thresholdsBySpec = new WeakMap<PipelineSpec, readonly ThresholdSample[]>();

/** The threshold samples of one validated pipeline; `where` names it in errors. */
export function pipelineThresholds(spec: PipelineSpec, where = spec.dagId): ThresholdSample[] {
  let samples = thresholdsBySpec.get(spec);
  if (!samples) {
    samples = pipelineThresholdSamples(spec, scheduleOf(spec, where));
    thresholdsBySpec.set(spec, samples);
  }
  return [...samples];
}

/**
 * The threshold records (one per series, every pipeline's samples), then the
 * alerts written once for all pipelines. One group: Prometheus evaluates a group's rules in order, so an
 * alert always reads the thresholds of the same evaluation, and a pipeline
 * can never lose its alerts to a threshold series not (yet) written. The
 * duration records it reads come from pipelineRecordingGroups().
 */
export function pipelineAlertGroup(thresholds: readonly ThresholdSample[], links: AlertLinkOptions = {}): RuleGroup {
  const drafts = new PipelineAlertBuilder(thresholds).drafts();
  return { name: PIPELINE_ALERT_GROUP, rules: [...thresholdRecords(thresholds), ...drafts.map((d) => withLinks(d, links))] };
}
