import { renderRuleFile } from '../../content/rules/render';
import { PIPELINE_RULE_FILE, PLATFORM_RULE_FILE, pipewatchRuleFiles } from '../../content/rules/rule-set';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { alertCoverage } from './coverage';
import { LONG_STEP_SECONDS, pipelineCases, SHORT_STEP_SECONDS } from './pipeline-cases';
import { EXAMPLE_PIPELINE_ALERTS } from './pipeline-expectations';
import { platformCases, platformDailyCases } from './platform-cases';
import { at, testFile } from './promtool-model';
import { promtoolPath, runTool, runToolAsync, tempDirWith, ToolResult } from './tools';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

// The rule files exactly as the stack synthesizes them for the example pipelines.
const [pipelineFile, platformFile] = pipewatchRuleFiles(EXAMPLE_PIPELINES);
// Expected labels and annotations are written in the cases; building them throws when an expected alert is gone from the rules.
const generated = pipelineCases(EXAMPLE_PIPELINES, pipelineFile.groups, EXAMPLE_PIPELINE_ALERTS);
const platform = platformCases(platformFile.groups);
const platformDaily = platformDailyCases(platformFile.groups);

const dir = tempDirWith({
  [PIPELINE_RULE_FILE]: renderRuleFile(pipelineFile.groups),
  [PLATFORM_RULE_FILE]: renderRuleFile(platformFile.groups),
  // The hourly cases are the bulk: two files so both cores work on them.
  'pipelines-test-1.yml': testFile(pipelineFile, at(SHORT_STEP_SECONDS), generated.short.filter((_, i) => i % 2 === 0)),
  'pipelines-test-2.yml': testFile(pipelineFile, at(SHORT_STEP_SECONDS), generated.short.filter((_, i) => i % 2 === 1)),
  'pipelines-daily-test.yml': testFile(pipelineFile, at(LONG_STEP_SECONDS), generated.long),
  'platform-test.yml': testFile(platformFile, '1m', platform),
  'platform-daily-test.yml': testFile(platformFile, '5m', platformDaily),
});

const TEST_FILES = ['pipelines-test-1.yml', 'pipelines-test-2.yml', 'pipelines-daily-test.yml', 'platform-test.yml', 'platform-daily-test.yml'];

describe('the synthesized rule files under promtool', () => {
  const promtool = promtoolPath();
  // Started together up front: each file takes seconds and they are independent.
  const runs = new Map<string, Promise<ToolResult>>(TEST_FILES.map((f) => [f, runToolAsync(promtool, ['test', 'rules', f], dir)]));

  it('GIVEN the rule files for the example pipelines WHEN promtool checks them THEN they are valid', () => {
    const result = runTool(promtool, ['check', 'rules', PIPELINE_RULE_FILE, PLATFORM_RULE_FILE], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it.each(TEST_FILES)(
    'GIVEN the unit tests in %s WHEN promtool runs them THEN every case passes',
    async (file) => {
      const result = await (runs.get(file) as Promise<ToolResult>);
      if (result.status !== 0) throw new Error(`promtool test rules ${file} failed (files in ${dir}):\n${result.output.slice(0, 6000)}`);
      expect(result.output).toContain('SUCCESS');
    },
  );

  it('GIVEN every generated alert WHEN the cases are counted THEN each has a firing and a silent case', () => {
    const coverage = alertCoverage([...pipelineFile.groups, ...platformFile.groups], [...generated.short, ...generated.long, ...platform, ...platformDaily]);
    console.log(`alerts with tests / alerts: ${coverage.covered} / ${coverage.total}`);
    expect(coverage.missing).toEqual([]);
  });
});
