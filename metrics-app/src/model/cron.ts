/** The recurring presets Airflow accepts, as cron expressions. */
const PRESETS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

const MINUTE_MS = 60_000;
/** Longest gap between two fire times a valid expression can have (Feb 29 on a given weekday is ~28 years). */
const SEARCH_LIMIT_MS = 30 * 366 * 86_400_000;

/** A five-field cron expression (or Airflow preset) evaluated in UTC, like Airflow's default timezone. */
export class CronSchedule {
  private readonly minutes: Set<number>;
  private readonly hours: Set<number>;
  private readonly daysOfMonth: Set<number>;
  private readonly months: Set<number>;
  private readonly daysOfWeek: Set<number>;
  /** Cron's rule: when both day fields are restricted, a day matching either one fires. */
  private readonly eitherDayMatches: boolean;

  constructor(readonly expression: string) {
    const cron = PRESETS[expression] ?? expression;
    const parts = cron.trim().split(/\s+/);
    if (parts.length !== 5) {
      throw new Error(
        `schedule "${expression}" is not a recurring schedule the simulator understands: use five cron fields (e.g. "15 * * * *") or one of ${Object.keys(PRESETS).join(', ')}`,
      );
    }
    const sets = parts.map((part, i) => parseField(part, FIELDS[i], expression));
    [this.minutes, this.hours, this.daysOfMonth, this.months, this.daysOfWeek] = sets;
    if (this.daysOfWeek.delete(7)) this.daysOfWeek.add(0); // 7 and 0 both mean Sunday
    this.eitherDayMatches = parts[2] !== '*' && parts[4] !== '*';
  }

  /** First fire time strictly after `ms`. */
  nextAfter(ms: number): number {
    const t = new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
    const limit = ms + SEARCH_LIMIT_MS;
    while (t.getTime() <= limit) {
      if (!this.months.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0, 0);
      } else if (!this.dayMatches(t)) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0, 0);
      } else if (!this.hours.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      } else if (!this.minutes.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      } else {
        return t.getTime();
      }
    }
    throw new Error(`schedule "${this.expression}" never fires (e.g. February 30th): fix the day and month fields`);
  }

  /** Latest fire time at or before `ms`. */
  latestAtOrBefore(ms: number): number {
    // Walk forward from a window before `ms`; widen the window for sparse schedules.
    for (const windowMs of [86_400_000, 32 * 86_400_000, SEARCH_LIMIT_MS]) {
      let fire = this.nextAfter(ms - windowMs);
      if (fire > ms) continue;
      for (let next = this.nextAfter(fire); next <= ms; next = this.nextAfter(next)) fire = next;
      return fire;
    }
    throw new Error(`schedule "${this.expression}" has no fire time before ${new Date(ms).toISOString()}`);
  }

  private dayMatches(t: Date): boolean {
    const dom = this.daysOfMonth.has(t.getUTCDate());
    const dow = this.daysOfWeek.has(t.getUTCDay());
    return this.eitherDayMatches ? dom || dow : dom && dow;
  }
}

function parseField(text: string, field: Field, expression: string): Set<number> {
  const values = new Set<number>();
  const fail = (why: string): never => {
    throw new Error(`schedule "${expression}": ${field.name} field "${text}" ${why}; allowed: *, n, a-b, */s, a-b/s and lists of them within ${field.min}-${field.max}`);
  };
  for (const item of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) fail('is not valid');
    const [, range, from, to, step] = match!;
    const start = range === '*' ? field.min : Number(from);
    const end = range === '*' ? field.max : to !== undefined ? Number(to) : step !== undefined ? field.max : start;
    const stride = step !== undefined ? Number(step) : 1;
    if (start < field.min || end > field.max || start > end) fail('is out of range');
    if (stride < 1) fail('has a zero step');
    for (let v = start; v <= end; v += stride) values.add(v);
  }
  return values;
}
