import { PipelineAlertBuilder } from '../../content/pipeline/alerts';
import { pipelineThresholds } from '../../content/pipeline/rule-group';
import { PIPELINE_ALERTS } from '../../content/pipeline/alert-names';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

describe('GIVEN the alert rules built for the example pipelines', () => {
  const ruleNames = new Set(new PipelineAlertBuilder(EXAMPLE_PIPELINES.flatMap((spec) => pipelineThresholds(spec))).drafts().map((d) => d.alert));

  test('WHEN dashboards link to runbooks THEN every alert name they use is an alert the rules define', () => {
    expect(Object.values(PIPELINE_ALERTS).filter((name) => !ruleNames.has(name))).toEqual([]);
  });

  test('WHEN the rules define a pipeline alert THEN the dashboards know its runbook', () => {
    expect([...ruleNames].filter((name) => !(Object.values(PIPELINE_ALERTS) as string[]).includes(name))).toEqual([]);
  });
});
