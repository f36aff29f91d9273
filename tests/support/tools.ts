import { execFileSync } from 'child_process';
import { join } from 'path';

const REPO = join(__dirname, '../..');

/**
 * Path of a checker the static tier needs. Installs it with the repo's script
 * when missing, and fails loudly (never skips) when it still cannot be found.
 */
export function requireTool(name: string, installScript = 'scripts/install-test-tools.sh'): string {
  const find = () => {
    try {
      return execFileSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  let path = find();
  if (!path) {
    execFileSync('bash', [join(REPO, installScript)], { stdio: 'inherit' });
    path = find();
  }
  if (!path) throw new Error(`${name} is not installed and ${installScript} did not install it`);
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
