import { renderRuleFile } from '../../content/rules/render';
import { PIPELINE_RULE_FILE, pipewatchRuleFiles } from '../../content/rules/rule-set';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { testFile } from './promtool-model';
import { SCENARIOS, toPromtool } from './scenarios';
import { promtoolPath, runToolAsync, tempDirWith, ToolResult } from './tools';

// The pipelines rule file exactly as the stack synthesizes it for pipelines.yaml.
const [pipelineFile] = pipewatchRuleFiles(loadPipelineCatalog(DEFAULT_PIPELINES_FILE));

const files = SCENARIOS.map((scenario, i) => ({ name: `scenario-${i}.yml`, scenario }));

// One file per scenario, so a failure names its scenario and they run side by side.
const dir = tempDirWith({
  [PIPELINE_RULE_FILE]: renderRuleFile(pipelineFile.groups),
  ...Object.fromEntries(files.map((f) => [f.name, testFile(pipelineFile, `${f.scenario.step ?? 1}m`, [toPromtool(f.scenario)])])),
});

describe('the scenario catalogue under promtool', () => {
  const promtool = promtoolPath();
  const runs = new Map<string, Promise<ToolResult>>(files.map((f) => [f.name, runToolAsync(promtool, ['test', 'rules', f.name], dir)]));

  it.each(files.map((f) => [f.scenario.title, f.name]))('%s', async (_title, name) => {
    const result = await (runs.get(name) as Promise<ToolResult>);
    if (result.status !== 0) throw new Error(`promtool test rules ${name} failed (files in ${dir}):\n${result.output.slice(0, 6000)}`);
    expect(result.output).toContain('SUCCESS');
  });
});
