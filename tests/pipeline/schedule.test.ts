import { parseSchedule, ScheduleSyntaxError } from '../../content/pipeline/schedule';

describe('parseSchedule', () => {
  it.each([
    ['@hourly', 3600, 0],
    ['@daily', 86400, 0],
    ['@weekly', 604800, 259200],
    ['15 * * * *', 3600, 900],
    ['0 2 * * *', 86400, 7200],
    ['*/15 * * * *', 900, 0],
    ['30 */6 * * *', 21600, 1800],
    ['0 6 * * 1', 604800, 259200 + 86400 + 6 * 3600],
  ])('GIVEN %s WHEN parsed THEN it is due every %i s at offset %i s from the epoch', (text, periodSeconds, offsetSeconds) => {
    expect(parseSchedule(text)).toEqual({ kind: 'periodic', periodSeconds, offsetSeconds });
  });

  it.each(['@monthly', '0 9 * * 1-5', '0 0 1 * *', '*/7 * * * *', '0 9,17 * * *'])('GIVEN %s WHEN parsed THEN it is valid but irregular', (text) => {
    expect(parseSchedule(text)).toEqual({ kind: 'irregular' });
  });

  it.each([
    ['@fortnightly', /unknown preset/],
    ['0 2 * *', /5 fields/],
    ['61 * * * *', /minute value "61" is outside 0-59/],
    ['0 25 * * *', /hour value "25"/],
    ['x * * * *', /not cron syntax|outside/],
  ])('GIVEN %s WHEN parsed THEN it is rejected with the reason', (text, reason) => {
    expect(() => parseSchedule(text)).toThrow(ScheduleSyntaxError);
    expect(() => parseSchedule(text)).toThrow(reason);
  });
});
