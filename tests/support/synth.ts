import { App, Testing } from 'cdktf';
import { LocalDockerStack, LocalDockerStackProps } from '../../stacks/local-docker';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  provider?: Record<string, any>;
  variable?: Record<string, any>;
}

export interface Upload {
  file: string;
  content: string;
}

/** The local stack synthesized; `extend` changes it first, as a user's own code would. */
export function synthLocal(overrides: Partial<LocalDockerStackProps> = {}, extend?: (stack: LocalDockerStack) => void): { json: TerraformJson; text: string; stack: LocalDockerStack } {
  const app: App = Testing.app();
  const stack = new LocalDockerStack(app, 'test', { environment: 'dev', pipelines: EXAMPLE_PIPELINES, ...overrides });
  extend?.(stack);
  const text = Testing.synth(stack);
  return { json: JSON.parse(text), text, stack };
}

export function containers(json: TerraformJson): Record<string, any>[] {
  return Object.values(json.resource.docker_container ?? {});
}

export function container(json: TerraformJson, name: string): Record<string, any> {
  const found = containers(json).find((c) => c.name === name);
  if (!found) throw new Error(`no container named ${name}; have ${containers(json).map((c) => c.name).join(', ')}`);
  return found;
}

/** The text of a file uploaded into a container, with Terraform's `$${` escapes undone as Terraform would. */
export function uploaded(c: Record<string, any>, file: string): string {
  const u = (c.upload as Upload[]).find((x) => x.file === file);
  if (!u) throw new Error(`${c.name} has no upload ${file}; has ${(c.upload as Upload[]).map((x) => x.file).join(', ')}`);
  return u.content.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}
