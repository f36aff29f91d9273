import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { builtinModules } from 'module';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '../..');

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}

/**
 * Docker is not available to the tests, so this runs the Dockerfile's compile
 * step (tsc -p metrics-app/tsconfig.build.json) and checks what the image needs.
 */
describe('metrics-app container build', () => {
  let outDir: string;
  let compiled: string[];

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'pipewatch-build-'));
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'metrics-app/tsconfig.build.json', '--outDir', outDir], { cwd: REPO_ROOT });
    compiled = jsFiles(outDir).map((f) => relative(outDir, f));
  }, 60_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  test('GIVEN the Dockerfile\'s compile step WHEN run THEN the entry point the image starts exists', () => {
    expect(compiled).toContain('metrics-app/src/main.js');
    expect(readFileSync(join(REPO_ROOT, 'metrics-app/Dockerfile'), 'utf8')).toMatch(/^CMD \["node", "metrics-app\/src\/main.js"\]$/m);
  });

  test('GIVEN the compiled app WHEN its requires are listed THEN its packages are exactly metrics-app/runtime-dependencies.json, the only ones the image installs', () => {
    const packages = new Set<string>();
    for (const file of compiled) {
      for (const [, target] of readFileSync(join(outDir, file), 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        if (target.startsWith('.') || target.startsWith('node:') || builtinModules.includes(target)) continue;
        packages.add(target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0]);
      }
    }
    const declared: string[] = JSON.parse(readFileSync(join(REPO_ROOT, 'metrics-app/runtime-dependencies.json'), 'utf8'));
    expect([...packages].sort()).toEqual([...declared].sort());
    const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    for (const name of declared) expect({ name, version: root.dependencies[name] }).toEqual({ name, version: expect.any(String) });
  });

  test('GIVEN the compiled app WHEN its files are listed THEN all come from the directories the Dockerfile copies', () => {
    const copied = [...readFileSync(join(REPO_ROOT, 'metrics-app/Dockerfile'), 'utf8').matchAll(/^COPY (\S+)\/ \S+$/gm)].map((m) => `${m[1]}/`);
    expect(copied).toEqual(expect.arrayContaining(['content/', 'metrics-app/', 'service-kit/']));
    expect(compiled.filter((file) => !copied.some((dir) => file.startsWith(dir)))).toEqual([]);
  });
});
