import { execFile, execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const REPO = join(__dirname, '..', '..');

function onPath(binary: string): string | undefined {
  const found = spawnSync('bash', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** promtool from Debian's prometheus package, installed by scripts/install-test-tools.sh when missing. */
export function promtoolPath(): string {
  const existing = onPath('promtool');
  if (existing) return existing;
  execFileSync('bash', [join(REPO, 'scripts', 'install-test-tools.sh')], { stdio: 'inherit' });
  const installed = onPath('promtool');
  if (!installed) throw new Error('promtool is still missing after scripts/install-test-tools.sh');
  return installed;
}

/** amtool v0.27.0 (the stack's Alertmanager version), built and cached by scripts/install-amtool.sh. */
export function amtoolPath(): string {
  return execFileSync('bash', [join(REPO, 'scripts', 'install-amtool.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

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
