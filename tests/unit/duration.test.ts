import { Duration } from '../../content/duration';

describe('Duration', () => {
  test('GIVEN minutes and hours THEN it renders the shortest Prometheus duration', () => {
    expect(Duration.minutes(5).toPromDuration()).toBe('5m');
    expect(Duration.seconds(5400).toPromDuration()).toBe('1h30m');
    expect(Duration.days(28).toPromDuration()).toBe('28d');
    expect(Duration.seconds(0).toPromDuration()).toBe('0s');
  });

  test('GIVEN a Prometheus duration string THEN it parses to seconds', () => {
    expect(Duration.parse('1h30m').toSeconds()).toBe(5400);
    expect(Duration.parse('2w').toSeconds()).toBe(1209600);
  });

  test('GIVEN text that is not a duration THEN it says how to write one', () => {
    expect(() => Duration.parse('5 minutes')).toThrow('"5 minutes" is not a duration; write it like 90s, 5m, 1h30m or 28d');
    expect(() => Duration.parse('')).toThrow('is not a duration');
    expect(() => Duration.seconds(-1)).toThrow('non-negative');
  });
});
