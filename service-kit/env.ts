import { LOG_LEVELS, LogLevel } from './log';

/** A bad environment variable: the message names it, the value received and the fix. */
export class ConfigError extends Error {
  constructor(variable: string, value: string | undefined, fix: string) {
    super(`invalid ${variable}=${JSON.stringify(value ?? '')}: ${fix}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a file's text; injected so tests need no files on disk. */
export type ReadFile = (path: string) => string;

/** A number from `min` to `max`; unset or blank gives `fallback`. */
export function number(env: Env, variable: string, fallback: number, min: number, max: number, fix: string): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(variable, raw, fix);
  return value;
}

export function integer(env: Env, variable: string, fallback: number, min: number, max: number, fix: string): number {
  const value = number(env, variable, fallback, min, max, fix);
  if (!Number.isInteger(value)) throw new ConfigError(variable, env[variable], fix);
  return value;
}

/** Seconds in the environment, milliseconds in the program. */
export function seconds(env: Env, variable: string, fallback: number, min: number, max: number, fix: string): number {
  return Math.round(number(env, variable, fallback, min, max, fix) * 1000);
}

/** LOG_LEVEL, case-insensitive; `info` when unset. */
export function logLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError('LOG_LEVEL', env.LOG_LEVEL, `use one of ${LOG_LEVELS.join(', ')}`);
  return raw as LogLevel;
}
