/**
 * Airflow schedules (cron or preset), parsed far enough to know when the most
 * recent run was due. Airflow 3 has no SLA callbacks, so the deadline alert
 * computes the last scheduled time in PromQL from the period and offset here.
 * Times are UTC, Airflow's default timezone and the one PromQL's time() uses.
 */
export type Schedule =
  /** Due every `periodSeconds`, at `offsetSeconds` past each multiple of the period since the Unix epoch. */
  | { readonly kind: 'periodic'; readonly periodSeconds: number; readonly offsetSeconds: number }
  /** Valid for Airflow, but not a fixed period (e.g. weekdays only, monthly): no deadline can be computed. */
  | { readonly kind: 'irregular' };

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday: the first Sunday 00:00 UTC is three days after the epoch. */
const FIRST_SUNDAY = 3 * DAY;

const PRESETS: Readonly<Record<string, Schedule>> = {
  '@hourly': { kind: 'periodic', periodSeconds: HOUR, offsetSeconds: 0 },
  '@daily': { kind: 'periodic', periodSeconds: DAY, offsetSeconds: 0 },
  '@midnight': { kind: 'periodic', periodSeconds: DAY, offsetSeconds: 0 },
  '@weekly': { kind: 'periodic', periodSeconds: WEEK, offsetSeconds: FIRST_SUNDAY },
  '@monthly': { kind: 'irregular' },
  '@quarterly': { kind: 'irregular' },
  '@yearly': { kind: 'irregular' },
  '@annually': { kind: 'irregular' },
};

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** Thrown for text that is neither a known preset nor a five-field cron expression. */
export class ScheduleSyntaxError extends Error {}

/** Parses a schedule; throws ScheduleSyntaxError with the reason when Airflow would reject it. */
export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  if (trimmed.startsWith('@')) {
    const preset = PRESETS[trimmed.toLowerCase()];
    if (!preset) throw new ScheduleSyntaxError(`unknown preset; use one of ${Object.keys(PRESETS).join(', ')} or a cron expression`);
    return preset;
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) throw new ScheduleSyntaxError(`a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  fields.forEach((field, i) => checkCronField(field, FIELDS[i]));
  return periodOf(fields);
}

function checkCronField(text: string, field: CronField): void {
  for (const item of text.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new ScheduleSyntaxError(`${field.name} field "${text}" is not cron syntax`);
    const [, range, step] = match;
    if (step !== undefined && Number(step) < 1) throw new ScheduleSyntaxError(`${field.name} step must be at least 1, got "${item}"`);
    if (range === '*') continue;
    for (const value of range.split('-')) {
      const n = valueOf(value, field);
      if (n === undefined || n < field.min || n > field.max) {
        throw new ScheduleSyntaxError(`${field.name} value "${value}" is outside ${field.min}-${field.max}`);
      }
    }
  }
}

function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index < 0) return undefined;
  // Month names count from 1, weekday names from 0 (Sunday).
  return field.name === 'month' ? index + 1 : index;
}

/** The fixed period of the common shapes; anything else is irregular. */
function periodOf([minute, hour, dayOfMonth, month, dayOfWeek]: string[]): Schedule {
  const fixed = (text: string) => (/^\d+$/.test(text) ? Number(text) : undefined);
  const every = (text: string) => (text === '*' ? 1 : /^\*\/(\d+)$/.exec(text) ? Number(text.slice(2)) : undefined);
  const periodic = (periodSeconds: number, offsetSeconds: number): Schedule => ({ kind: 'periodic', periodSeconds, offsetSeconds });
  if (dayOfMonth !== '*' || month !== '*') return { kind: 'irregular' };

  const m = fixed(minute);
  const h = fixed(hour);
  const weekday = dayOfWeek === '*' ? undefined : valueOf(dayOfWeek, FIELDS[4]);
  if (dayOfWeek !== '*') {
    if (weekday === undefined || m === undefined || h === undefined) return { kind: 'irregular' };
    const daysAfterSunday = weekday % 7;
    return periodic(WEEK, (FIRST_SUNDAY + daysAfterSunday * DAY + h * HOUR + m * 60) % WEEK);
  }
  const minuteStep = every(minute);
  if (minuteStep !== undefined && hour === '*' && 60 % minuteStep === 0) return periodic(minuteStep * 60, 0);
  if (m === undefined) return { kind: 'irregular' };
  if (h !== undefined) return periodic(DAY, h * HOUR + m * 60);
  const hourStep = every(hour);
  if (hourStep !== undefined && 24 % hourStep === 0) return periodic(hourStep * HOUR, m * 60);
  return { kind: 'irregular' };
}
