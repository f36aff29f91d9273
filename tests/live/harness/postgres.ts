import { randomBytes } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { Client } from 'pg';
import { ThrowawayPostgres } from '../../metrics-app/support/postgres';
import { onProcessExit } from './processes';

/** A login the way the stack's Postgres construct creates it: a role whose password is in a file. */
export interface LiveLogin {
  readonly user: string;
  readonly database: string;
  readonly passwordFile: string;
}

/**
 * PostgreSQL with the stack's two logins: the run-history database owned by
 * its own role (Postgres.addDatabase) and a pg_monitor role for
 * postgres_exporter (Postgres.addMonitor). The server itself is the
 * integration tier's ThrowawayPostgres (runs as the `postgres` user).
 */
export class LivePostgres {
  /** pg_ctl starts the server in a session of its own: if the test process dies, stop it by its pid. */
  private readonly exitHook = onProcessExit(() => {
    const pidFile = join(dirname(this.server.passwordFile), 'data', 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
    } catch {
      // Already gone.
    }
  });

  private constructor(
    readonly server: ThrowawayPostgres,
    readonly history: LiveLogin,
    readonly monitor: LiveLogin,
  ) {}

  static async start(dir: string): Promise<LivePostgres> {
    const server = await ThrowawayPostgres.start();
    try {
      const login = (user: string, database: string): LiveLogin => {
        const passwordFile = join(dir, `${user}_password`);
        writeFileSync(passwordFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
        return { user, database, passwordFile };
      };
      const history = login('pipeline_history', 'pipeline_history');
      const monitor = login('postgres_exporter', 'postgres');
      const pw = (l: LiveLogin) => readFileSync(l.passwordFile, 'utf8').trim();
      await superuserSql(server, 'postgres', [
        `CREATE ROLE ${history.user} LOGIN PASSWORD '${pw(history)}'`,
        `CREATE DATABASE ${history.database} OWNER ${history.user}`,
        `CREATE ROLE ${monitor.user} LOGIN PASSWORD '${pw(monitor)}' IN ROLE pg_monitor`,
      ]);
      return new LivePostgres(server, history, monitor);
    } catch (error) {
      await server.destroy();
      throw error;
    }
  }

  get port(): number {
    return this.server.port;
  }

  /** Rows the simulator has written to its run history. */
  async historyRows(): Promise<number> {
    const [row] = await superuserSql(this.server, this.history.database, ['SELECT count(*)::int AS n FROM pipeline_runs']);
    return row.n as number;
  }

  /** Fast shutdown: clients see connections refused until `resume`. */
  stop(): Promise<void> {
    return this.server.pause();
  }

  resume(): Promise<void> {
    return this.server.resume();
  }

  async destroy(): Promise<void> {
    await this.server.destroy();
    this.exitHook.remove();
  }
}

async function superuserSql(server: ThrowawayPostgres, database: string, statements: readonly string[]): Promise<Record<string, unknown>[]> {
  const client = new Client({ host: '127.0.0.1', port: server.port, user: server.user, database, password: readFileSync(server.passwordFile, 'utf8').trim() });
  await client.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const statement of statements) rows = (await client.query(statement)).rows;
    return rows;
  } finally {
    await client.end();
  }
}
