// The same JSON-lines logger as the simulator, so Loki parses both alike.
export { createLogger, LOG_LEVELS } from '../../metrics-app/src/log';
export type { LogFields, LogLevel, Logger } from '../../metrics-app/src/log';
