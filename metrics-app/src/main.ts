import { createLogger } from '../../service-kit/log';
import { configOrExit, stopOnSignals } from '../../service-kit/process';
import { createApp } from './app';
import { systemClock } from './clock';
import { loadConfig } from './config';

const SHUTDOWN_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  const config = configOrExit(() => loadConfig(process.env));
  const log = createLogger({ level: config.logLevel });
  // createApp checks the start-up scenarios against the pipelines, so it can fail on configuration too.
  const app = configOrExit(() => createApp(config, { wallClock: systemClock, log }));
  try {
    await app.start();
  } catch (error) {
    log.error('cannot start', { host: config.host, port: config.port, error: error as Error });
    process.exit(1);
  }

  stopOnSignals(log, () => app.stop(SHUTDOWN_TIMEOUT_MS));
}

void main();
