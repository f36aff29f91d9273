import { AlertLinkOptions, withLinks } from '../rules/alert-links';
import { RuleGroup } from '../rules/types';
import { PipelineAlertBuilder } from './alerts';
import { scheduleOf } from './validate';
import { PipelineSpec } from './spec';

/** Prometheus rule group name of one pipeline's alerts. */
export const pipelineGroupName = (dagId: string) => `pipewatch-pipeline-${dagId}`;

/**
 * The alerts of one pipeline as a rule group. Expects a validated spec; the
 * recording rules it reads come from pipelineRecordingGroups().
 */
export function pipelineAlertGroup(spec: PipelineSpec, links: AlertLinkOptions = {}, where = spec.dagId): RuleGroup {
  const drafts = new PipelineAlertBuilder(spec, scheduleOf(spec, where)).drafts();
  return { name: pipelineGroupName(spec.dagId), rules: drafts.map((d) => withLinks(d, links)) };
}
