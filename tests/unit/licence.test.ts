import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, relative, resolve } from 'path';

/**
 * Loki, Grafana and Tempo are AGPL-licensed. pipewatch deploys their official,
 * unmodified images as separate services, but never builds, vendors or links
 * their code: no script, manifest or module file of the repo may fetch or build
 * their Go modules or depend on their AGPL packages.
 */
const REPO = resolve(__dirname, '../..');
const THIS_FILE = relative(REPO, __filename);

/** Go module paths (and so `go install`, `go get`, `go build`, go.mod lines) of the AGPL projects. */
const AGPL_MODULE = /github\.com\/grafana\/(loki|grafana|tempo)\b/i;
/** Debian or pip installs of the servers themselves. */
const AGPL_PACKAGE_INSTALL = /\b(apt-get|apt|pip3?)\s+install\b[^\n]*\s(loki|grafana|grafana-server|tempo)(\s|$)/m;
/** npm packages under @grafana/ we depend on, each under a permissive licence, and why. */
const ALLOWED_GRAFANA_NPM: Readonly<Record<string, string>> = {
  '@grafana/grafana-foundation-sdk': 'Apache-2.0: the typed builders the dashboards are written with (dashboards/)',
  '@grafana/lezer-logql': 'Apache-2.0: the LogQL grammar that parses every log panel query (dashboards/query-languages.ts)',
};
const PERMISSIVE = new Set(['Apache-2.0', 'MIT', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC']);

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Lines of `text` that fetch, build or depend on AGPL code of Grafana Labs. */
export function agplFindings(file: string, text: string): Finding[] {
  return text.split('\n').flatMap((line, i) => {
    const grafanaNpm = [...line.matchAll(/@grafana\/[a-z0-9._-]+/g)].map((m) => m[0]).filter((name) => !(name in ALLOWED_GRAFANA_NPM));
    const banned = AGPL_MODULE.test(line) || AGPL_PACKAGE_INSTALL.test(`${line}\n`) || grafanaNpm.length > 0;
    return banned ? [{ file, line: i + 1, text: line.trim() }] : [];
  });
}

/** Every file git tracks or would track (new files included), minus prose that explains the rule. */
function repoFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((f) => f !== '' && f !== THIS_FILE && !f.endsWith('.md'))
    .filter((f) => !f.startsWith('dashboards/generated/'));
}

describe('GIVEN the rule that no AGPL code of Loki, Grafana or Tempo is built, vendored or linked', () => {
  test('WHEN every script, manifest, module file and source of the repo is scanned THEN none fetches, builds or depends on it', () => {
    const findings = repoFiles().flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(join(REPO, file), 'utf8');
      } catch {
        return []; // listed but deleted in the work tree
      }
      return agplFindings(file, text);
    });
    expect(findings).toEqual([]);
  });

  test('WHEN the @grafana npm packages the project depends on are read THEN each is allowed, with a permissive licence', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const grafana = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((n) => n.startsWith('@grafana/'));
    expect(grafana.sort()).toEqual(Object.keys(ALLOWED_GRAFANA_NPM).sort());
    for (const name of grafana) {
      const { license } = JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { license: string };
      expect({ name, license, permissive: PERMISSIVE.has(license) }).toEqual({ name, license, permissive: true });
    }
  });

  test.each([
    ['a Go build of Loki', 'scripts/x.sh', 'go install github.com/grafana/loki/v3/cmd/loki@v3.3.2'],
    ['a go.mod requirement on Tempo', 'tools/go.mod', 'require github.com/grafana/tempo v2.6.0'],
    ['a Grafana server from Debian', 'scripts/y.sh', 'apt-get install -y grafana'],
    ['an npm package of Grafana not on the allow list', 'package.json', '"@grafana/scenes": "6.0.0",'],
  ])('WHEN a file holds %s THEN it is reported with its file and line', (_what, file, line) => {
    expect(agplFindings(file, `# first\n${line}\n`)).toEqual([{ file, line: 2, text: line }]);
  });

  test.each([
    ['the official Loki image the stack deploys', "loki: 'grafana/loki:3.3.2',"],
    ['an allowed npm package', '"@grafana/grafana-foundation-sdk": "0.0.21",'],
    ['Grafana Labs\' Apache-2.0 exporter modules', 'github.com/grafana/regexp v0.0.0'],
  ])('WHEN a file holds %s THEN nothing is reported', (_what, line) => {
    expect(agplFindings('x', line)).toEqual([]);
  });
});
