import { CronSchedule } from '../../metrics-app/src/model/cron';
import { Random } from '../../metrics-app/src/random';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('CronSchedule', () => {
  test.each([
    ['@hourly', '2025-01-06T10:00:00Z', '2025-01-06T11:00:00.000Z'],
    ['@daily', '2025-01-06T10:00:00Z', '2025-01-07T00:00:00.000Z'],
    ['15 * * * *', '2025-01-06T10:15:00Z', '2025-01-06T11:15:00.000Z'],
    ['15 * * * *', '2025-01-06T10:14:59Z', '2025-01-06T10:15:00.000Z'],
    ['*/15 * * * *', '2025-01-06T10:16:00Z', '2025-01-06T10:30:00.000Z'],
    ['0 2 * * *', '2025-01-06T03:00:00Z', '2025-01-07T02:00:00.000Z'],
    ['0 0 * * 7', '2025-01-06T00:00:00Z', '2025-01-12T00:00:00.000Z'],
    ['@monthly', '2025-01-31T12:00:00Z', '2025-02-01T00:00:00.000Z'],
    ['30 9 1-5 * *', '2025-01-05T10:00:00Z', '2025-02-01T09:30:00.000Z'],
  ])('GIVEN %s WHEN asked for the fire time after %s THEN it is %s', (expression, after, expected) => {
    expect(iso(new CronSchedule(expression).nextAfter(at(after)))).toBe(expected);
  });

  test('GIVEN both day fields restricted WHEN scheduling THEN a day matching either fires, as in cron', () => {
    // 2025-01-10 is a Friday, before the 13th.
    expect(iso(new CronSchedule('0 0 13 * 5').nextAfter(at('2025-01-06T00:00:00Z')))).toBe('2025-01-10T00:00:00.000Z');
  });

  test('GIVEN an hourly schedule WHEN asked for the latest fire time at or before an instant THEN it is that hour or the one before', () => {
    const schedule = new CronSchedule('15 * * * *');
    expect(iso(schedule.latestAtOrBefore(at('2025-01-06T10:15:00Z')))).toBe('2025-01-06T10:15:00.000Z');
    expect(iso(schedule.latestAtOrBefore(at('2025-01-06T10:14:00Z')))).toBe('2025-01-06T09:15:00.000Z');
    expect(iso(new CronSchedule('@yearly').latestAtOrBefore(at('2025-06-01T00:00:00Z')))).toBe('2025-01-01T00:00:00.000Z');
  });

  test.each([
    ['61 * * * *', /minute field "61" is out of range/],
    ['* * *', /use five cron fields/],
    ['@once', /not a recurring schedule/],
    ['x * * * *', /minute field "x" is not valid/],
    ['*/0 * * * *', /has a zero step/],
  ])('GIVEN the invalid schedule %s WHEN parsed THEN the error says what is wrong', (expression, message) => {
    expect(() => new CronSchedule(expression)).toThrow(message);
  });

  test('GIVEN a date that never exists WHEN asked for the next fire time THEN it fails instead of looping forever', () => {
    expect(() => new CronSchedule('0 0 30 2 *').nextAfter(at('2025-01-01T00:00:00Z'))).toThrow(/never fires/);
  });
});

describe('Random', () => {
  const draw = (random: Random, n: number) => Array.from({ length: n }, () => random.next());

  test('GIVEN the same seed WHEN drawing THEN the numbers are the same; a different seed gives different ones', () => {
    expect(draw(new Random('a'), 5)).toEqual(draw(new Random('a'), 5));
    expect(draw(new Random('a'), 5)).not.toEqual(draw(new Random('b'), 5));
  });

  test('GIVEN a forked stream WHEN the parent draws more THEN the fork is unaffected', () => {
    const parent = new Random('seed');
    const expected = draw(parent.fork('pipeline/x'), 3);
    draw(parent, 100);
    expect(draw(parent.fork('pipeline/x'), 3)).toEqual(expected);
  });

  test('GIVEN a log-normal draw WHEN sampled often THEN its median is the one asked for and it is skewed right', () => {
    const random = new Random('lognormal');
    const samples = Array.from({ length: 20_000 }, () => random.lognormal(100, 0.35)).sort((a, b) => a - b);
    const median = samples[samples.length / 2];
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    expect(median).toBeGreaterThan(97);
    expect(median).toBeLessThan(103);
    expect(mean).toBeGreaterThan(median);
    expect(samples.every((x) => x > 0)).toBe(true);
  });

  test('GIVEN int(min, max) WHEN drawn often THEN every value in the range and none outside appears', () => {
    const random = new Random('int');
    const seen = new Set(Array.from({ length: 1000 }, () => random.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});
