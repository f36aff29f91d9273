import { readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { LocalDockerStack, LocalDockerStackProps } from '../../stacks/local-docker';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { Upload, uploadText } from './uploads';

export type { Upload } from './uploads';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  provider?: Record<string, any>;
  variable?: Record<string, any>;
}

/** The local stack synthesized; `extend` changes it first, as a user's own code would. */
export function synthLocal(overrides: Partial<LocalDockerStackProps> = {}, extend?: (stack: LocalDockerStack) => void): { json: TerraformJson; text: string; stack: LocalDockerStack } {
  const app: App = Testing.app();
  const stack = new LocalDockerStack(app, 'test', { environment: 'dev', pipelines: EXAMPLE_PIPELINES, ...overrides });
  extend?.(stack);
  return { ...synthToFiles(stack), stack };
}

/** What each container synthesized by synthToFiles has uploaded: file path → text. */
const uploadedTexts = new WeakMap<object, Map<string, string>>();

/**
 * Synthesizes a stack as `cdktf synth` does, config files included, and reads
 * the result back (the files are kept in memory and the directory removed).
 */
export function synthToFiles(stack: TerraformStack): { json: TerraformJson; text: string } {
  const outdir = Testing.fullSynth(stack);
  try {
    const dir = join(outdir, 'stacks', stack.node.id);
    const text = readFileSync(join(dir, 'cdk.tf.json'), 'utf8');
    const json: TerraformJson = JSON.parse(text);
    for (const c of containers(json)) {
      uploadedTexts.set(c, new Map(((c.upload ?? []) as Upload[]).map((u) => [u.file, uploadText(dir, u)])));
    }
    return { json, text };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function containers(json: TerraformJson): Record<string, any>[] {
  return Object.values(json.resource.docker_container ?? {});
}

export function container(json: TerraformJson, name: string): Record<string, any> {
  const found = containers(json).find((c) => c.name === name);
  if (!found) throw new Error(`no container named ${name}; have ${containers(json).map((c) => c.name).join(', ')}`);
  return found;
}

/** The text a container of a synthToFiles result gets uploaded at `file`, as the Docker provider uploads it. */
export function uploaded(c: Record<string, any>, file: string): string {
  const texts = uploadedTexts.get(c);
  if (!texts) throw new Error(`${c.name} does not come from synthToFiles(): its config files were never written`);
  const text = texts.get(file);
  if (text === undefined) throw new Error(`${c.name} has no upload ${file}; has ${[...texts.keys()].join(', ')}`);
  return text;
}
