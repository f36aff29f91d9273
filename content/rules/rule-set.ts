import { pipelineAlertGroup, pipelineThresholds } from '../pipeline/rule-group';
import { THRESHOLD_SERIES, ThresholdSample } from '../pipeline/thresholds';
import { PipelineSpec } from '../pipeline/spec';
import { validatePipelineCatalog } from '../pipeline/validate';
import { AlertLinkOptions, withLinks } from './alert-links';
import { dataPlatformAlerts, DataPlatformRuleOptions } from './data-platform-rules';
import { pipelineRecordingGroups } from './pipeline-recording';
import { airflowAlerts, containerAlerts, datastoreAlerts, LOG_ALERTS, monitoringAlerts } from './platform-rules';
import { renderRuleFile } from './render';
import { RuleFile, RuleGroup } from './types';
import { assertRuleGroupsValid } from './validate-rules';

export interface RuleSetOptions extends AlertLinkOptions, DataPlatformRuleOptions {
  /** The stack runs Loki and its log shipper; without them, LokiDown (which also fires on a missing Loki) would page forever. @default true */
  readonly logs?: boolean;
}

export const PIPELINE_RULE_FILE = 'pipelines.yml';
export const PLATFORM_RULE_FILE = 'platform.yml';

/**
 * The pipelines rule file for a catalog, validated as a set.
 * `whereOf(i)` names the i-th spec in errors (construct path or catalog location).
 */
export function pipelineRuleGroups(specs: readonly PipelineSpec[], options: RuleSetOptions = {}, whereOf: (i: number) => string = (i) => `pipelines[${i}]`): RuleGroup[] {
  validatePipelineCatalog(specs, whereOf);
  return pipelineRuleFile(specs.flatMap((s, i) => pipelineThresholds(s, whereOf(i))), options);
}

/** The pipelines rule file's groups: the duration records, then the thresholds and the alerts that join them, validated as a set. */
export function pipelineRuleFile(thresholds: readonly ThresholdSample[], links: AlertLinkOptions = {}): RuleGroup[] {
  const groups = [...pipelineRecordingGroups(), pipelineAlertGroup(thresholds, links)];
  assertRuleGroupsValid(groups, PIPELINE_RULE_FILE, Object.values(THRESHOLD_SERIES));
  return groups;
}

/** Rendered pipelines rule files by their inputs: the same samples (by identity) and links render once per process. */
const renderedPipelineRuleFiles: { readonly thresholds: readonly ThresholdSample[]; readonly links: string; readonly text: string }[] = [];

/** pipelineRuleFile() as rule file text; every stack of a catalog shares it, so it is validated and rendered once. */
export function renderPipelineRuleFile(thresholds: readonly ThresholdSample[], links: AlertLinkOptions = {}): string {
  const key = JSON.stringify(links);
  const same = renderedPipelineRuleFiles.find((r) => r.links === key && r.thresholds.length === thresholds.length && r.thresholds.every((t, i) => t === thresholds[i]));
  if (same) return same.text;
  const text = renderRuleFile(pipelineRuleFile(thresholds, links));
  renderedPipelineRuleFiles.push({ thresholds: [...thresholds], links: key, text });
  return text;
}

/** Airflow, datastores, containers, the monitoring stack itself, the Watchdog and the data-platform alerts. */
export function platformRuleGroups(options: RuleSetOptions = {}): RuleGroup[] {
  const group = (name: string, drafts: ReturnType<typeof airflowAlerts>): RuleGroup => ({ name, rules: drafts.map((d) => withLinks(d, options)) });
  const groups = [
    group('pipewatch-airflow', airflowAlerts()),
    group('pipewatch-datastores', datastoreAlerts()),
    group('pipewatch-containers', containerAlerts()),
    group('pipewatch-monitoring', monitoringAlerts().filter((d) => options.logs !== false || !LOG_ALERTS.includes(d.alert))),
    group('pipewatch-data-platform', dataPlatformAlerts(options)),
  ];
  assertRuleGroupsValid(groups, PLATFORM_RULE_FILE);
  return groups;
}

/** Both rule files the stack's Prometheus loads. */
export function pipewatchRuleFiles(specs: readonly PipelineSpec[], options: RuleSetOptions = {}): RuleFile[] {
  return [
    { name: PIPELINE_RULE_FILE, groups: pipelineRuleGroups(specs, options) },
    { name: PLATFORM_RULE_FILE, groups: platformRuleGroups(options) },
  ];
}
