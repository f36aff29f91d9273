import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { Upload, container, synthLocal, uploaded } from '../support/synth';
import { run, testTool } from '../support/tools';

/** Writes every file uploaded into a container under `root`, as Terraform would upload it. */
function materialize(c: Record<string, any>, root: string, under: string): void {
  for (const u of c.upload as Upload[]) {
    if (!u.file.startsWith(under)) continue;
    const target = join(root, u.file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, uploaded(c, u.file).replaceAll('/etc/prometheus/', `${root}/etc/prometheus/`));
  }
}

describe('GIVEN the prometheus.yml and rule files the local stack synthesizes', () => {
  test('THEN promtool check config accepts them, rule files included', () => {
    const promtool = testTool('promtool');
    const root = mkdtempSync(join(tmpdir(), 'pipewatch-prom-'));
    try {
      materialize(container(synthLocal().json, 'dev-prometheus'), root, '/etc/prometheus/');
      const out = run(promtool, ['check', 'config', join(root, 'etc/prometheus/prometheus.yml')]);
      expect(out).toContain('SUCCESS');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
