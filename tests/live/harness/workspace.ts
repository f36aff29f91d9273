import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * A fresh directory for one server's data, config and log. It lives under
 * the OS temp dir, which scripts/sandboxed-jest.sh points (TMPDIR) at a
 * directory of its own that it removes after the run, even when a worker crashed.
 * Mode 711: PostgreSQL runs as the `postgres` user and must traverse it.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pipewatch-live-${prefix}-`));
  chmodSync(dir, 0o711);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
