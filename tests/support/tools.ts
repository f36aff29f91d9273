import { execFileSync } from 'child_process';
import { accessSync, constants, readFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';

/** Written by scripts/install-test-tools.sh: one `name=path` line per tool. */
export const TOOLS_ENV = join(homedir(), '.cache', 'pipewatch', 'tools.env');
const INSTALL = 'bash scripts/install-test-tools.sh';

/** The tools `npm test` runs; jest never installs them, it only finds them. */
export type TestTool = 'promtool' | 'amtool' | 'statsd_exporter' | 'otelcol' | 'airflow_venv' | 'jaeger';

function recordedPaths(): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(TOOLS_ENV, 'utf8');
  } catch {
    return {};
  }
  return Object.fromEntries(text.split('\n').filter((line) => line.includes('=')).map((line) => line.split('=', 2) as [string, string]));
}

/**
 * Path of a test tool recorded by scripts/install-test-tools.sh. Fails loudly
 * (never skips), naming the script, when it was not run or the binary is gone.
 */
export function testTool(name: TestTool): string {
  const path = recordedPaths()[name];
  if (!path) throw new Error(`${name} is not installed for the tests (no ${name}= line in ${TOOLS_ENV}): run \`${INSTALL}\` before npm test`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${name} at ${path} (recorded in ${TOOLS_ENV}) is missing or not executable: run \`${INSTALL}\` again`);
  }
  return path;
}

/** Runs a tool; on failure the error carries its full output. */
export function run(tool: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e: any) {
    throw new Error(`${tool} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
