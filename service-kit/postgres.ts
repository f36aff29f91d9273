import { ConfigError, Env, integer, ReadFile } from './env';

/** Where and as whom a service connects to PostgreSQL, from the libpq-style PG* variables. */
export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Read from PGPASSWORD_FILE; absent when the server trusts the connection. */
  readonly password?: string;
}

/** Secrets are mounted as files; a password in the environment would show up in `docker inspect`. */
export function forbidPasswordVariable(env: Env): void {
  if (env.PGPASSWORD !== undefined) {
    throw new ConfigError('PGPASSWORD', '<hidden>', 'secrets are mounted as files: write the password to a file, set PGPASSWORD_FILE to its path and unset PGPASSWORD');
  }
}

/** PGPORT, PGUSER, PGDATABASE and PGPASSWORD_FILE for `host`; each service decides itself whether PGHOST is required. */
export function postgresConnection(env: Env, host: string, defaults: { readonly user: string; readonly database: string }, readFile: ReadFile): PostgresConnection {
  const passwordFile = env.PGPASSWORD_FILE?.trim();
  return {
    host,
    port: integer(env, 'PGPORT', 5432, 1, 65535, 'use the PostgreSQL TCP port, e.g. 5432'),
    user: env.PGUSER?.trim() || defaults.user,
    database: env.PGDATABASE?.trim() || defaults.database,
    ...(passwordFile ? { password: readPasswordFile(passwordFile, readFile) } : {}),
  };
}

function readPasswordFile(path: string, readFile: ReadFile): string {
  let content: string;
  try {
    content = readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError('PGPASSWORD_FILE', path, `the file cannot be read (${reason}): mount the password file there or fix the path`);
  }
  // Secret files usually end with a newline that is not part of the password.
  const password = content.replace(/\r?\n$/, '');
  if (password === '') throw new ConfigError('PGPASSWORD_FILE', path, 'the file is empty: write the PostgreSQL password into it');
  return password;
}

/** The connection part of a node-postgres pool's options; pool sizes and timeouts stay with each service. */
export function poolConnection(settings: PostgresConnection) {
  return { host: settings.host, port: settings.port, user: settings.user, database: settings.database, password: settings.password };
}
