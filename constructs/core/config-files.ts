import { createHash } from 'crypto';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, posix } from 'path';
import { ContainerUpload } from '@cdktf/provider-docker/lib/container';
import { ISynthesisSession, Lazy, TerraformStack, Token } from 'cdktf';
// TerraformAsset's hook into synthesis; TerraformAsset itself needs its file before synth, these are rendered at synth.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { invalid } from '../../content/validation';

/** A configuration file put into a container. A function is rendered at synth, so later `add*()` calls reach it. */
export interface ConfigFile {
  readonly path: string;
  readonly content: string | (() => string);
}

/** Where config files go in a synthesized stack directory (beside cdk.tf.json). */
export const CONFIG_ASSETS_DIR = 'assets/config-files';

/**
 * The config files of one container, written at synth into the stack directory
 * (`assets/config-files/<container>/<path in the container>`) and uploaded from
 * there by the Docker provider (`source`), with their SHA-256 as `source_hash`.
 * The Terraform plan and state hold a path and a hash per file, never its text,
 * so plan time does not grow with rules or dashboards; a changed file changes
 * its hash, which replaces exactly the container that reads it.
 */
export class ConfigFileAssets extends Construct {
  private readonly files: ConfigFile[] = [];
  /** Texts rendered by this synthesis's file writing, taken once by the hashes that follow it. */
  private readonly pending = new Map<string, string>();

  /** @param folder the container's name: its files' folder in the stack directory */
  constructor(scope: Construct, id: string, private readonly folder: string) {
    super(scope, id);
    addCustomSynthesis(this, { onSynthesize: (session) => this.write(session) });
  }

  /** The upload block for one more file. */
  upload(file: ConfigFile): ContainerUpload {
    if (!file.path.startsWith('/') || file.path.split('/').some((part) => part === '..')) {
      invalid(this, 'config file path', file.path, 'Use an absolute path inside the container without "..", e.g. /etc/prometheus/prometheus.yml.');
    }
    if (this.files.some((f) => f.path === file.path)) invalid(this, 'config file path', file.path, 'Each config file of a container needs its own path.');
    this.files.push(file);
    return {
      file: file.path,
      source: posix.join(CONFIG_ASSETS_DIR, this.folder, file.path),
      sourceHash: Lazy.stringValue({ produce: () => sha256(this.take(file)) }),
    };
  }

  private write(session: ISynthesisSession): void {
    const stack = TerraformStack.of(this);
    const stackDir = join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath, '..');
    const root = join(stackDir, CONFIG_ASSETS_DIR, this.folder);
    // Files a previous synth wrote and this one no longer has must not linger.
    rmSync(root, { recursive: true, force: true });
    for (const file of this.files) {
      const text = this.render(file);
      this.pending.set(file.path, text);
      const target = join(root, file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  }

  /** The text written by this synthesis, else a fresh render (a synth that writes no files, e.g. Testing.synth). */
  private take(file: ConfigFile): string {
    const text = this.pending.get(file.path) ?? this.render(file);
    this.pending.delete(file.path);
    return text;
  }

  private render(file: ConfigFile): string {
    const text = typeof file.content === 'function' ? file.content() : file.content;
    if (Token.isUnresolved(text)) {
      invalid(this, 'config file', file.path, 'Its content holds a Terraform reference, but config files are written at synth; pass values known only to Terraform (secrets) as secretFiles.');
    }
    return text;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
