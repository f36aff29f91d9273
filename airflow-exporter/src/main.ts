import { createExporter, Exporter } from './app';
import { Config, ConfigError, loadConfig } from './config';
import { createLogger } from './log';

/** Exit code for a configuration the operator has to fix; 1 stays for crashes. */
const EXIT_CONFIG = 2;
const SHUTDOWN_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger({ level: 'error' }).error(error.message, { exitCode: EXIT_CONFIG });
    process.exit(EXIT_CONFIG);
  }
  const log = createLogger({ level: config.logLevel });
  const exporter: Exporter = createExporter(config, log);
  try {
    await exporter.start();
  } catch (error) {
    log.error('cannot start', { bindAddress: config.bindAddress, port: config.port, error: error as Error });
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info('shutting down', { signal });
    // A hung database connection must not keep the container from stopping.
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    exporter.stop().then(
      () => process.exit(0),
      (error: Error) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
