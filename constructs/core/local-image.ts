import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';
import { healthcheck } from './healthchecks';
import { DEFAULT_IMAGES, ImageKey } from './images';
import { Platform } from './platform';
import { ServiceContainer } from './service-container';

const REPO_ROOT = resolve(__dirname, '../..');

/** An image pipewatch builds from this repository: its Dockerfile and every source it copies. */
export interface LocalImage {
  readonly key: ImageKey;
  /** Relative to the repository root, the build context. */
  readonly dockerfile: string;
  /** Files and folders (relative to the root) the image is built from; a change to any rebuilds it. */
  readonly sources: readonly string[];
  /** The image it derives from (`FROM ${BASE}`), taken from the image map so a mirror serves it too. @default - none */
  readonly base?: ImageKey;
  /** More build arguments of the Dockerfile. @default {} */
  readonly buildArgs?: Readonly<Record<string, string>>;
}

/** The Docker provider's build settings, unless the image map points the image elsewhere. */
export function localBuild(platform: Platform, image: LocalImage): { context: string; dockerfile: string; buildArgs?: Record<string, string> } | undefined {
  if (platform.image(image.key) !== DEFAULT_IMAGES[image.key]) return undefined;
  const buildArgs = { ...(image.base ? { BASE: platform.image(image.base) } : {}), ...image.buildArgs };
  return { context: REPO_ROOT, dockerfile: image.dockerfile, ...(Object.keys(buildArgs).length > 0 ? { buildArgs } : {}) };
}

/** Rebuilds the image exactly when its sources change (`cdktf deploy` compares this trigger). */
export function rebuildOnSourceChange(service: ServiceContainer, image: LocalImage): void {
  service.image.triggers = { source_hash: sourceHash(image.sources) };
}

/** Liveness of a Node.js service: GET /healthz with the node binary the image already has. */
export function nodeHealthz(port: number) {
  return healthcheck(['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`]);
}

function sourceHash(sources: readonly string[]): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules') visit(join(path, entry));
    } else {
      hash.update(relative(REPO_ROOT, path)).update(readFileSync(path));
    }
  };
  sources.map((p) => join(REPO_ROOT, p)).forEach(visit);
  return hash.digest('hex').slice(0, 16);
}
