import { AlertLinkOptions, withLinks } from '../rules/alert-links';
import { RecordingRule, RuleGroup } from '../rules/types';
import { PipelineAlertBuilder } from './alerts';
import { pipelineThresholdRules } from './thresholds';
import { scheduleOf } from './validate';
import { PipelineSpec } from './spec';

/** Prometheus rule group of the pipeline alerts and the thresholds they join. */
export const PIPELINE_ALERT_GROUP = 'pipewatch-pipelines';

/** The threshold records of one validated pipeline; `where` names it in errors. */
export function pipelineThresholds(spec: PipelineSpec, where = spec.dagId): RecordingRule[] {
  return pipelineThresholdRules(spec, scheduleOf(spec, where));
}

/**
 * Every pipeline's threshold records, then the alerts written once for all
 * of them. One group: Prometheus evaluates a group's rules in order, so an
 * alert always reads the thresholds of the same evaluation, and a pipeline
 * can never lose its alerts to a threshold series not (yet) written. The
 * duration records it reads come from pipelineRecordingGroups().
 */
export function pipelineAlertGroup(thresholds: readonly RecordingRule[], links: AlertLinkOptions = {}): RuleGroup {
  const drafts = new PipelineAlertBuilder(thresholds).drafts();
  return { name: PIPELINE_ALERT_GROUP, rules: [...thresholds, ...drafts.map((d) => withLinks(d, links))] };
}
