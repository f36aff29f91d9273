import { execFileSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'fs';
import { builtinModules } from 'module';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '../..');
const DOCKERFILE = readFileSync(join(REPO_ROOT, 'airflow-exporter/Dockerfile'), 'utf8');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}

/**
 * Docker is not available to the tests, so this rebuilds the image's build
 * context by hand: only what the build stage COPYs from the repository, then
 * the Dockerfile's compile step. A module the exporter imports but the image
 * does not copy fails the compile here, as it would in `docker build`.
 */
describe('airflow-exporter container build', () => {
  let context: string;
  let compiled: string[];

  beforeAll(() => {
    context = mkdtempSync(join(tmpdir(), 'pipewatch-exporter-build-'));
    for (const [, sources, to] of DOCKERFILE.matchAll(/^COPY (?!--from)(.+) (\S+)$/gm)) {
      for (const from of sources.split(' ')) {
        const target = join(context, to.endsWith('/') && !from.endsWith('/') ? join(to, from.split('/').pop()!) : to);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(REPO_ROOT, from), target, { recursive: true });
      }
    }
    // Instead of the build stage's npm ci.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(context, 'node_modules'));
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'airflow-exporter/tsconfig.build.json'], { cwd: context, stdio: 'pipe' });
    compiled = jsFiles(join(context, 'dist')).map((f) => relative(join(context, 'dist'), f));
  }, 60_000);

  afterAll(() => rmSync(context, { recursive: true, force: true }));

  test("GIVEN only the files the Dockerfile copies WHEN its compile step runs THEN the entry point the image starts exists", () => {
    expect(compiled).toContain('airflow-exporter/src/main.js');
    // The logger and config helpers come from the folder shared with the simulator.
    expect(compiled).toEqual(expect.arrayContaining(['service-kit/log.js', 'service-kit/env.js']));
    expect(DOCKERFILE).toMatch(/^CMD \["node", "airflow-exporter\/src\/main.js"\]$/m);
    expect(DOCKERFILE).toMatch(/^USER node$/m);
  });

  test('GIVEN the compiled exporter WHEN its requires are listed THEN its packages are exactly airflow-exporter/runtime-dependencies.json, the only ones the image installs', () => {
    const packages = new Set<string>();
    for (const file of compiled) {
      for (const [, target] of readFileSync(join(context, 'dist', file), 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        if (target.startsWith('.') || target.startsWith('node:') || builtinModules.includes(target)) continue;
        packages.add(target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0]);
      }
    }
    const declared: string[] = JSON.parse(readFileSync(join(REPO_ROOT, 'airflow-exporter/runtime-dependencies.json'), 'utf8'));
    expect([...packages].sort()).toEqual([...declared].sort());
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const name of declared) expect({ name, version: root.dependencies[name] }).toEqual({ name, version: expect.any(String) });
  });
});
