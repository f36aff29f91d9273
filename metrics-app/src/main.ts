import { App, createApp } from './app';
import { systemClock } from './clock';
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
    failConfig(error);
  }
  const log = createLogger({ level: config.logLevel });
  let app: App;
  try {
    app = createApp(config, { wallClock: systemClock, log });
  } catch (error) {
    failConfig(error);
  }
  try {
    await app.start();
  } catch (error) {
    log.error('cannot start', { host: config.host, port: config.port, error: error as Error });
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal; exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('shutting down', { signal });
    app.stop(SHUTDOWN_TIMEOUT_MS).then(
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

function failConfig(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  createLogger({ level: 'error' }).error(error.message, { exitCode: EXIT_CONFIG });
  process.exit(EXIT_CONFIG);
}

void main();
