import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { Client } from 'pg';
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
    private listenPort: number,
    readonly passwordFile: string,
  ) {}

  get port(): number {
    return this.listenPort;
  }

  static async start(): Promise<ThrowawayPostgres> {
    const server = await ThrowawayPostgres.prepare('pipewatch-pg-', (passwordFile) => writeFileSync(passwordFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 }));
    await server.asServerUser('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${server.passwordFile}`, '-E', 'UTF8', '--no-sync']);
    await server.startOnFreePort();
    return server;
  }

  /**
   * A streaming replica of this server: a base backup taken over the
   * replication protocol with `pg_basebackup -R` (standby.signal and
   * primary_conninfo written for it), started on a port of its own.
   */
  async startReplica(): Promise<ThrowawayPostgres> {
    const replica = await ThrowawayPostgres.prepare('pipewatch-pg-replica-', (passwordFile) => copyFileSync(this.passwordFile, passwordFile));
    const password = readFileSync(this.passwordFile, 'utf8').trim();
    await replica.asServerUser('pg_basebackup', ['-h', '127.0.0.1', '-p', String(this.port), '-U', this.user, '-D', replica.dataDir, '-R', '-X', 'stream', '--no-sync'], { PGPASSWORD: password });
    await replica.startOnFreePort();
    return replica;
  }

  /** A temp directory with the password file, both owned by the server user. */
  private static async prepare(prefix: string, writePassword: (file: string) => void): Promise<ThrowawayPostgres> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const passwordFile = join(dir, 'password');
    writePassword(passwordFile);
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const uid = Number(stdout.trim());
      chownSync(dir, uid, uid);
      chownSync(passwordFile, uid, uid);
    }
    return new ThrowawayPostgres(serverBinDir(), dir, await freePort(), passwordFile);
  }

  private async startOnFreePort(): Promise<void> {
    // The port was free when picked; a server started meanwhile by a parallel test may hold it now.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.resume();
        return;
      } catch (error) {
        if (attempt >= 3 || !/address already in use/i.test((error as Error).message)) throw error;
        this.listenPort = await freePort();
      }
    }
  }

  /**
   * Starts (or starts again) the server on the same port and data. When it
   * cannot, the error carries the end of the server's log: pg_ctl itself only
   * says "could not start server", while the log says why (e.g. "Address
   * already in use" when another server took the free port first, which the
   * callers retry on).
   */
  async resume(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    const log = join(this.dir, 'server.log');
    try {
      await this.asServerUser('pg_ctl', ['-D', this.dataDir, '-l', log, '-w', '-t', '30', '-o', options, 'start']);
    } catch (error) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no server log)';
      throw new Error(`${(error as Error).message}\nserver log (${log}):\n${tail}`);
    }
  }

  /** Stops the server; clients see connections refused until `resume`. */
  async pause(): Promise<void> {
    await this.asServerUser('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.pause().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs each statement in turn as the server's admin user. */
  async runAsAdmin(statements: readonly string[]): Promise<void> {
    const admin = new Client({ host: '127.0.0.1', port: this.port, user: this.user, database: this.database, password: readFileSync(this.passwordFile, 'utf8').trim() });
    await admin.connect();
    try {
      for (const statement of statements) await admin.query(statement);
    } finally {
      await admin.end();
    }
  }

  /** A login role and a database it owns, both named `name` (as the stack's Postgres setup job makes them); returns the role's new password. */
  async createOwnedDatabase(name: string): Promise<string> {
    const password = randomBytes(12).toString('hex');
    await this.runAsAdmin([`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`, `CREATE DATABASE ${name} OWNER ${name}`]);
    return password;
  }

  /** Variables as the app reads them. */
  env(): Record<string, string> {
    return { PGHOST: '127.0.0.1', PGPORT: String(this.port), PGUSER: this.user, PGDATABASE: this.database, PGPASSWORD_FILE: this.passwordFile };
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private async asServerUser(tool: string, args: string[], env: Readonly<Record<string, string>> = {}): Promise<void> {
    const command = join(this.bin, tool);
    const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 60_000, env: { ...process.env, ...env } });
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${tool} failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }
}
