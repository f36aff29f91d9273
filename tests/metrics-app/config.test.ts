import { DEFAULT_PIPELINES_FILE } from '../../content/pipeline/catalog';
import { ConfigError, loadConfig } from '../../metrics-app/src/config';
import { createLogger } from '../../service-kit/log';

const noFiles = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

describe('loadConfig', () => {
  test('GIVEN no variables WHEN loaded THEN the defaults run the pipelines of pipelines.yaml in real time on port 8000 with history in memory', () => {
    expect(loadConfig({}, noFiles)).toEqual({
      host: '0.0.0.0',
      port: 8000,
      timeScale: 1,
      seed: 'pipewatch',
      tickMs: 1000,
      pipelines: DEFAULT_PIPELINES_FILE,
      scenarios: [],
      postgres: undefined,
      historyBufferRows: 10_000,
      historyMemoryRows: 10_000,
      logLevel: 'info',
    });
  });

  test('GIVEN every variable set WHEN loaded THEN each reaches the config, the password read from its file without the trailing newline', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        SIM_TIME_SCALE: '60',
        SIM_SEED: 'demo',
        SIM_TICK_MS: '250',
        SIM_PIPELINES: '1000',
        SIM_SCENARIOS: 'example_etl=fail, ml_pipeline=slow',
        PGHOST: 'db',
        PGPORT: '5433',
        PGUSER: 'sim',
        PGDATABASE: 'runs',
        PGPASSWORD_FILE: '/run/secrets/pg',
        HISTORY_BUFFER_ROWS: '50',
        LOG_LEVEL: 'DEBUG',
      },
      (path) => (path === '/run/secrets/pg' ? 's3cret\n' : noFiles(path)),
    );
    expect(config).toMatchObject({
      port: 9000,
      timeScale: 60,
      seed: 'demo',
      tickMs: 250,
      pipelines: 1000,
      scenarios: [
        { dagId: 'example_etl', kind: 'fail' },
        { dagId: 'ml_pipeline', kind: 'slow' },
      ],
      postgres: { host: 'db', port: 5433, user: 'sim', database: 'runs', password: 's3cret' },
      historyBufferRows: 50,
      logLevel: 'debug',
    });
  });

  test('GIVEN SIM_PIPELINES_FILE WHEN loaded THEN the simulator plays that catalog', () => {
    expect(loadConfig({ SIM_PIPELINES_FILE: '/etc/pipewatch/simulator-pipelines.yaml' }, noFiles).pipelines).toBe('/etc/pipewatch/simulator-pipelines.yaml');
  });

  test.each([
    [{ SIM_TIME_SCALE: 'fast' }, /invalid SIM_TIME_SCALE="fast": use a number of pipeline seconds per real second, e.g. 60/],
    [{ SIM_TIME_SCALE: '0' }, /invalid SIM_TIME_SCALE="0"/],
    [{ PORT: '80.5' }, /invalid PORT="80.5": use a TCP port/],
    [{ PORT: '70000' }, /invalid PORT="70000"/],
    [{ SIM_PIPELINES: 'many' }, /invalid SIM_PIPELINES="many": use a count of synthetic pipelines, 1 to 100000/],
    [{ SIM_PIPELINES: '10', SIM_PIPELINES_FILE: '/etc/p.yaml' }, /invalid SIM_PIPELINES="10": SIM_PIPELINES_FILE is set too/],
    [{ SIM_SCENARIOS: 'example_etl' }, /invalid SIM_SCENARIOS="example_etl": use comma-separated dag_id=kind pairs/],
    [{ SIM_SCENARIOS: 'example_etl=explode' }, /invalid SIM_SCENARIOS="example_etl=explode": kind: Invalid discriminator value/],
    [{ LOG_LEVEL: 'verbose' }, /invalid LOG_LEVEL="verbose": use one of debug, info, warn, error/],
    [{ HISTORY_BUFFER_ROWS: '0' }, /invalid HISTORY_BUFFER_ROWS="0"/],
    [{ PGUSER: 'sim' }, /invalid PGHOST="": PGUSER is set, so PostgreSQL history is intended: set PGHOST/],
    [{ PGHOST: 'db', PGPORT: 'five' }, /invalid PGPORT="five"/],
    [{ PGHOST: 'db', PGPASSWORD_FILE: '/missing' }, /invalid PGPASSWORD_FILE="\/missing": the file cannot be read \(ENOENT\)/],
  ])('GIVEN %j WHEN loaded THEN a ConfigError names the variable, the value and the fix', (env, message) => {
    expect(() => loadConfig(env, noFiles)).toThrow(ConfigError);
    expect(() => loadConfig(env, noFiles)).toThrow(message);
  });

  test('GIVEN the password in PGPASSWORD WHEN loaded THEN it is refused without echoing it, pointing to PGPASSWORD_FILE', () => {
    expect(() => loadConfig({ PGHOST: 'db', PGPASSWORD: 'hunter2' }, noFiles)).toThrow(/invalid PGPASSWORD="<hidden>": .*set PGPASSWORD_FILE/);
    expect(() => loadConfig({ PGHOST: 'db', PGPASSWORD: 'hunter2' }, noFiles)).not.toThrow(/hunter2/);
  });

  test('GIVEN an empty password file WHEN loaded THEN the error says so', () => {
    expect(() => loadConfig({ PGHOST: 'db', PGPASSWORD_FILE: '/run/secrets/pg' }, () => '\n')).toThrow(/the file is empty/);
  });
});

describe('createLogger', () => {
  test('GIVEN a log call WHEN written THEN it is one JSON object per line with time, level, message and fields, secrets redacted', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => new Date('2025-01-06T00:00:00Z') });
    log.debug('not shown');
    log.warn('write failed', { password: 'hunter2', dbPassword: 'x', error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      time: '2025-01-06T00:00:00.000Z',
      level: 'warn',
      msg: 'write failed',
      password: '[redacted]',
      dbPassword: '[redacted]',
      error: { message: 'refused', code: 'ECONNREFUSED' },
    });
  });
});
