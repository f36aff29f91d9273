import { execFile, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { testTool } from '../support/tools';

/** promtool at the stack's Prometheus version (scripts/tool-versions.env), recorded by scripts/install-test-tools.sh. */
export const promtoolPath = () => testTool('promtool');

/** amtool at the stack's Alertmanager version (scripts/tool-versions.env), recorded by scripts/install-test-tools.sh. */
export const amtoolPath = () => testTool('amtool');

export interface ToolResult {
  readonly status: number;
  readonly output: string;
}

export function runTool(binary: string, args: readonly string[], cwd: string): ToolResult {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Like runTool, without blocking: independent promtool runs share the machine's cores. */
export function runToolAsync(binary: string, args: readonly string[], cwd: string): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(binary, [...args], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ status, output: `${stdout}${stderr}` });
    });
  });
}

/** A fresh temporary directory holding the given files, removed once the calling test file's tests are done. */
export function tempDirWith(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipewatch-rules-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
