import { ConfigError, loadConfig } from '../../airflow-exporter/src/config';

const files: Record<string, string> = { '/run/secrets/pw': 's3cret-value\n', '/run/secrets/empty': '\n' };
const readFile = (path: string) => {
  if (!(path in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return files[path];
};
const load = (env: Record<string, string>) => loadConfig({ PGHOST: 'postgres', ...env }, readFile);

describe('airflow-exporter configuration from the environment', () => {
  test('GIVEN only PGHOST WHEN loaded THEN the defaults are port 9112 on every interface, database airflow, role pipewatch_exporter, 5 s timeout, 2 s cache', () => {
    expect(load({})).toEqual({
      bindAddress: '0.0.0.0',
      port: 9112,
      database: { host: 'postgres', port: 5432, user: 'pipewatch_exporter', database: 'airflow', ssl: false },
      queryTimeoutMs: 5000,
      cacheMs: 2000,
      logLevel: 'info',
    });
  });

  test('GIVEN PGPASSWORD_FILE WHEN loaded THEN the password is the file without its trailing newline', () => {
    expect(load({ PGPASSWORD_FILE: '/run/secrets/pw' }).database.password).toBe('s3cret-value');
  });

  test.each([
    [{ PGHOST: '' }, /^invalid PGHOST="": set PGHOST to the host name of Airflow's metadata database/],
    [{ PORT: '70000' }, /^invalid PORT="70000": use a TCP port/],
    [{ PGPORT: 'five' }, /^invalid PGPORT="five": use the PostgreSQL TCP port/],
    [{ QUERY_TIMEOUT_SECONDS: '0' }, /^invalid QUERY_TIMEOUT_SECONDS="0": use the seconds one collection may take/],
    [{ CACHE_SECONDS: '-1' }, /^invalid CACHE_SECONDS="-1": use the seconds/],
    [{ PGSSLMODE: 'prefer' }, /^invalid PGSSLMODE="prefer": use one of disable, require, verify-full, no-verify/],
    [{ LOG_LEVEL: 'loud' }, /^invalid LOG_LEVEL="loud": use one of debug, info, warn, error/],
    [{ PGPASSWORD_FILE: '/run/secrets/missing' }, /^invalid PGPASSWORD_FILE="\/run\/secrets\/missing": the file cannot be read \(ENOENT\)/],
    [{ PGPASSWORD_FILE: '/run/secrets/empty' }, /^invalid PGPASSWORD_FILE="\/run\/secrets\/empty": the file is empty/],
  ])('GIVEN %j WHEN loaded THEN a ConfigError names the variable, the value and the fix', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });

  test.each([
    ['disable', false],
    ['require', true],
    ['verify-full', true],
    ['no-verify', { rejectUnauthorized: false }],
  ])('GIVEN PGSSLMODE=%s WHEN loaded THEN the connection uses TLS setting %j', (mode, ssl) => {
    expect(load({ PGSSLMODE: mode }).database.ssl).toEqual(ssl);
  });

  test('GIVEN PGPASSWORD in the environment WHEN loaded THEN it is refused without echoing the value', () => {
    expect(() => load({ PGPASSWORD: 'plain-text' })).toThrow(/^invalid PGPASSWORD="<hidden>": secrets are mounted as files/);
    expect(() => load({ PGPASSWORD: 'plain-text' })).not.toThrow(/plain-text/);
  });
});
