import { createLogger } from '../../service-kit/log';
import { configOrExit, stopOnSignals } from '../../service-kit/process';
import { createExporter } from './app';
import { loadConfig } from './config';

const SHUTDOWN_TIMEOUT_MS = 5_000;

async function main(): Promise<void> {
  const config = configOrExit(() => loadConfig(process.env));
  const log = createLogger({ level: config.logLevel });
  const exporter = createExporter(config, log);
  try {
    await exporter.start();
  } catch (error) {
    log.error('cannot start', { bindAddress: config.bindAddress, port: config.port, error: error as Error });
    process.exit(1);
  }

  stopOnSignals(log, () => {
    // A hung database connection must not keep the container from stopping.
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    return exporter.stop();
  });
}

void main();
