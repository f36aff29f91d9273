import { ConfigError } from './env';
import { createLogger, Logger } from './log';

/** Exit code for a configuration the operator has to fix; 1 stays for crashes. */
export const EXIT_CONFIG = 2;

/**
 * Runs a start-up step that may throw ConfigError: that ends the process with one
 * JSON log line and EXIT_CONFIG; anything else is a crash and is rethrown.
 */
export function configOrExit<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger({ level: 'error' }).error(error.message, { exitCode: EXIT_CONFIG });
    process.exit(EXIT_CONFIG);
  }
}

/** SIGTERM or SIGINT stops the service once; a second signal exits at once without waiting. */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal; exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('shutting down', { signal });
    stop().then(
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
