// Both services log through this one module, so Loki parses their lines alike.
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Field names whose values never reach a log line, even if passed by mistake. */
const SECRET_FIELD = /pass(word)?|secret|token|credential/i;

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

/** One JSON object per line on stdout: `{"time","level","msg",...fields}`, the shape Loki's pipeline parses. */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const threshold = LOG_LEVELS.indexOf(options.level);
  const emit = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    write(`${JSON.stringify({ time: now().toISOString(), level, msg: message, ...sanitize(fields) })}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function sanitize(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = '[redacted]';
    else if (value instanceof Error) out[key] = describeError(value);
    else out[key] = value;
  }
  return out;
}

function describeError(error: Error): Record<string, unknown> {
  const code = (error as NodeJS.ErrnoException).code;
  // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) carries the useful text in its parts.
  const message = error.message || (error instanceof AggregateError ? error.errors.map((e) => String(e?.message ?? e)).join('; ') : error.name);
  return { message, ...(code ? { code } : {}) };
}
