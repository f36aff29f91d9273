import { writeFileSync } from 'fs';
import { join } from 'path';
import { replicationQueriesFile } from '../../../content/warehouse/replication';
import { isOk } from './http';
import { LiveLogin } from './postgres';
import { ManagedProcess } from './processes';

/**
 * postgres_exporter (Debian 0.11.1; the module proxy refuses the stack's version) reading the monitor login and pipewatch's queries
 * file the way the stack's PostgresExporter does: DATA_SOURCE_URI,
 * DATA_SOURCE_USER, the password from DATA_SOURCE_PASS_FILE, the queries from
 * PG_EXPORTER_EXTEND_QUERY_PATH. `name` tells several apart in one directory.
 */
export function postgresExporter(binary: string, dir: string, port: number, postgresPort: number, login: LiveLogin, name = 'postgres-exporter'): ManagedProcess {
  const queriesFile = join(dir, `${name}-queries.yaml`);
  writeFileSync(queriesFile, replicationQueriesFile());
  return new ManagedProcess({
    name,
    command: binary,
    args: [`--web.listen-address=127.0.0.1:${port}`],
    env: {
      DATA_SOURCE_URI: `127.0.0.1:${postgresPort}/${login.database}?sslmode=disable`,
      DATA_SOURCE_USER: login.user,
      DATA_SOURCE_PASS_FILE: login.passwordFile,
      PG_EXPORTER_EXTEND_QUERY_PATH: queriesFile,
    },
    logFile: join(dir, `${name}.log`),
    ready: () => isOk(`http://127.0.0.1:${port}/metrics`),
  });
}

/**
 * redis_exporter (Debian 1.45). It predates --redis.password-file, so the
 * password arrives in REDIS_PASSWORD, as the Docker tier's shim hands it over.
 */
export function redisExporter(binary: string, dir: string, port: number, redisAddress: string, password: string): ManagedProcess {
  return new ManagedProcess({
    name: 'redis-exporter',
    command: binary,
    args: [`--redis.addr=${redisAddress}`, `--web.listen-address=127.0.0.1:${port}`],
    env: { REDIS_PASSWORD: password },
    logFile: join(dir, 'redis-exporter.log'),
    ready: () => isOk(`http://127.0.0.1:${port}/metrics`),
  });
}
