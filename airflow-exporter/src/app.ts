import { AddressInfo } from 'net';
import { Server } from 'http';
import { Logger } from '../../service-kit/log';
import { createRegistry } from './collector';
import { Config } from './config';
import { AirflowDatabase } from './database';
import { createHttpServer } from './server';

export interface Exporter {
  /** Listens, then runs a first query so the log says at once whether the database is readable. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** host:port once started. */
  readonly address: string;
}

export function createExporter(config: Config, log: Logger): Exporter {
  const database = new AirflowDatabase({ settings: config.database, queryTimeoutMs: config.queryTimeoutMs, cacheMs: config.cacheMs, log });
  const server: Server = createHttpServer({ registry: createRegistry(database), database, log });
  let address = '';
  return {
    get address() {
      return address;
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.bindAddress, () => resolve());
      });
      const bound = server.address() as AddressInfo;
      address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
      const { host, port, database: name, user } = config.database;
      log.info('airflow exporter started', { address, database: { host, port, database: name, user }, queryTimeoutMs: config.queryTimeoutMs, cacheMs: config.cacheMs });
      await database.collect();
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await database.close();
      log.info('airflow exporter stopped');
    },
  };
}
