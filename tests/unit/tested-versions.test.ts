/**
 * Tested = deployed: the versions the tiers build and run (scripts/tool-versions.env, the one file the
 * install scripts read) must be the versions of the stack's image pins (constructs/core/images.ts).
 */
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { DEFAULT_IMAGES, ImageKey, imageTag } from '../../constructs/core/images';

const REPO = resolve(__dirname, '../..');
const VERSIONS_FILE = join(REPO, 'scripts/tool-versions.env');

function toolVersions(): Record<string, string> {
  const entries = readFileSync(VERSIONS_FILE, 'utf8')
    .split('\n')
    .filter((line) => /^[A-Za-z_]+=/.test(line))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1).replace(/^"(.*)"$/, '$1')] as const;
    });
  return Object.fromEntries(entries);
}

/** `prom/prometheus:v3.16.0` → `3.16.0`; `oliver006/redis_exporter:v1.91.1-alpine` → `1.91.1`. */
function pinnedVersion(key: ImageKey): string {
  return imageTag(DEFAULT_IMAGES[key]).replace(/^v/, '').replace(/-.*$/, '');
}

/** A Go module version as a release: `v0.35.0` → `0.35.0`; Prometheus' module `v0.316.0` → `3.16.0`. */
function release(moduleVersion: string, prometheusScheme = false): string {
  const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(moduleVersion);
  if (!m) throw new Error(`${VERSIONS_FILE}: "${moduleVersion}" is not a vX.Y.Z module version`);
  const [major, minor, patch] = m.slice(1).map(Number);
  if (!prometheusScheme) return `${major}.${minor}.${patch}`;
  if (major !== 0 || minor < 300) throw new Error(`${VERSIONS_FILE}: PROMETHEUS_VERSION ${moduleVersion} is not a Prometheus 3 module version (v0.3MM.P)`);
  return `${Math.floor(minor / 100)}.${minor % 100}.${patch}`;
}

const versions = toolVersions();

/** Image pin → the version the tests build, per scripts/tool-versions.env. */
const TESTED: Readonly<Partial<Record<ImageKey, () => string>>> = {
  prometheus: () => release(versions.PROMETHEUS_VERSION, true),
  alertmanager: () => release(versions.ALERTMANAGER_VERSION),
  statsdExporter: () => release(versions.STATSD_EXPORTER_VERSION),
};

describe('GIVEN the image pins and the versions the test tiers build', () => {
  test('WHEN Prometheus module versions are read as releases THEN v0.3MM.P is 3.MM.P', () => {
    expect(release('v0.316.0', true)).toBe('3.16.0');
    expect(release('v0.300.1', true)).toBe('3.0.1');
    expect(() => release('v2.55.1', true)).toThrow('not a Prometheus 3 module version');
  });

  test.each(Object.keys(TESTED) as ImageKey[])('THEN the tests run %s at the pinned version', (key) => {
    expect(`${key} ${TESTED[key]!()}`).toBe(`${key} ${pinnedVersion(key)}`);
  });

  test('THEN a pin the tests cannot run at its version is an exception with its reason, printed as NOT CHECKED', () => {
    const exceptions = Object.entries(versions).filter(([name]) => name.startsWith('NOT_TESTED_'));
    expect(exceptions.length).toBeGreaterThan(0);
    for (const [name, reason] of exceptions) {
      const key = name.slice('NOT_TESTED_'.length) as ImageKey;
      expect(Object.keys(DEFAULT_IMAGES)).toContain(key);
      expect(Object.keys(TESTED)).not.toContain(key);
      expect(reason.length).toBeGreaterThan(40);
      console.log(`NOT CHECKED tested version of ${key} (pinned ${DEFAULT_IMAGES[key]}): ${reason}`);
    }
  });

  test('THEN no install script names a Prometheus-family module version of its own', () => {
    const modules = ['PROMETHEUS_MODULE', 'ALERTMANAGER_MODULE', 'STATSD_EXPORTER_MODULE'].map((name) => versions[name]);
    expect(modules.every(Boolean)).toBe(true);
    const scripts = ['scripts', 'scripts/docker-tier'].flatMap((dir) =>
      readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.sh')).map((f) => join(dir, f)),
    );
    const offenders = scripts.filter((file) => {
      const text = readFileSync(join(REPO, file), 'utf8');
      return modules.some((module) => new RegExp(`${module.replace(/[.]/g, '\\.')}[^\\s"]*[ @]v\\d`).test(text));
    });
    expect(offenders).toEqual([]);
  });
});
