import { execFileSync } from 'child_process';
import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '../..');
/**
 * Layers that must stay free of cdktf: pure content, dashboards built only from content,
 * and the two services with the plumbing they share (they run in images without cdktf).
 */
const PURE_DIRS = ['content', 'dashboards', 'service-kit', 'metrics-app/src', 'airflow-exporter/src'];
/** The shared plumbing knows neither service, so each image needs only its own folder besides it. */
const SHARED_DIR = 'service-kit';
const FORBIDDEN_PACKAGES = /^(cdktf|constructs|@cdktf\/.*)$/;
const FORBIDDEN_DIRS = ['constructs', 'stacks'].map((dir) => join(REPO_ROOT, dir) + '/');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Module specifiers of import/export-from/require/import() statements. */
function importsOf(source: string): string[] {
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]));
}

/** `file: import "x"` for every import that reaches cdktf or the construct and stack layers. */
function layerViolations(root: string = REPO_ROOT): string[] {
  return PURE_DIRS.flatMap((dir) => tsFiles(join(root, dir))).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter((spec) => FORBIDDEN_PACKAGES.test(spec) || (spec.startsWith('.') && FORBIDDEN_DIRS.some((d) => resolve(dirname(file), spec).startsWith(d))))
      .map((spec) => `${relative(root, file)}: import "${spec}"`),
  );
}

describe('the layers: content, dashboards and the services never reach cdktf, constructs or stacks', () => {
  test('GIVEN every .ts file under content/, dashboards/, service-kit/ and the services WHEN its imports are read THEN none is cdktf, constructs, @cdktf/* or a path into constructs/ or stacks/', () => {
    expect(layerViolations()).toEqual([]);
  });

  test('GIVEN every .ts file under service-kit/ WHEN its relative imports are read THEN none leaves service-kit/', () => {
    const outside = tsFiles(join(REPO_ROOT, SHARED_DIR)).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(join(REPO_ROOT, SHARED_DIR) + '/'))
        .map((spec) => `${relative(REPO_ROOT, file)}: import "${spec}"`),
    );
    expect(outside).toEqual([]);
  });

  test('GIVEN a fresh node process WHEN every content module and the dashboards are loaded THEN cdktf and constructs were never loaded', () => {
    const modules = [...tsFiles(join(REPO_ROOT, 'content')), join(REPO_ROOT, 'dashboards/index.ts')];
    const script = `
      for (const m of ${JSON.stringify(modules)}) require(m);
      const loaded = Object.keys(require.cache).filter((p) => /[\\\\/]node_modules[\\\\/](cdktf|constructs|@cdktf)[\\\\/]/.test(p));
      process.stdout.write(JSON.stringify(loaded));`;
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});
