import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { freePort } from '../../support/ports';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';

/** The newest installed PostgreSQL server's bin directory. */
function serverBinDir(): string {
  const versions = existsSync(POSTGRES_ROOT) ? readdirSync(POSTGRES_ROOT).filter((v) => existsSync(join(POSTGRES_ROOT, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${POSTGRES_ROOT}/*/bin: run scripts/install-test-tools.sh`);
  return join(POSTGRES_ROOT, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/**
 * A PostgreSQL server of its own in a temp directory, on 127.0.0.1 and a free
 * port, with password authentication. PostgreSQL refuses to run as root, so as
 * root the server runs as the `postgres` user.
 */
export class ThrowawayPostgres {
  readonly user = 'postgres';
  readonly database = 'postgres';

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    readonly passwordFile: string,
  ) {}

  static async start(): Promise<ThrowawayPostgres> {
    const bin = serverBinDir();
    const dir = mkdtempSync(join(tmpdir(), 'pipewatch-pg-'));
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const uid = Number(stdout.trim());
      chownSync(dir, uid, uid);
      chownSync(passwordFile, uid, uid);
    }
    const server = new ThrowawayPostgres(bin, dir, await freePort(), passwordFile);
    await server.asServerUser('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--no-sync']);
    await server.resume();
    return server;
  }

  /** Starts (or starts again) the server on the same port and data. */
  async resume(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.asServerUser('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
  }

  /** Stops the server; clients see connections refused until `resume`. */
  async pause(): Promise<void> {
    await this.asServerUser('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.pause().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Variables as the app reads them. */
  env(): Record<string, string> {
    return { PGHOST: '127.0.0.1', PGPORT: String(this.port), PGUSER: this.user, PGDATABASE: this.database, PGPASSWORD_FILE: this.passwordFile };
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private async asServerUser(tool: string, args: string[]): Promise<void> {
    const command = join(this.bin, tool);
    const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${tool} failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }
}
