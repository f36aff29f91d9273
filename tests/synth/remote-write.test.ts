import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { Duration } from '../../content/duration';
import { renderPrometheusConfig } from '../../content/prometheus/config';
import { RemoteWrite } from '../../content/prometheus/remote-write';
import { toYaml } from '../../content/yaml';
import { remoteWriteTargets } from '../../stacks/environments';
import { container, synthLocal, uploaded } from '../support/synth';
import { run, testTool } from '../support/tools';

const MIMIR: RemoteWrite = { name: 'mimir', url: 'https://mimir.example.com/api/v1/push', auth: { kind: 'basic', username: 'tenant-1' } };
const CLOUD: RemoteWrite = { name: 'cloud', url: 'https://cloud.example.com/push', auth: { kind: 'bearer' }, queue: { capacity: 20000, maxShards: 10, minBackoffMs: 100, maxBackoffMs: 30000 } };

describe('GIVEN the local stack with a basic-auth and a bearer-token remote_write destination', () => {
  const { json, text } = synthLocal({ remoteWrite: [MIMIR, CLOUD] });
  const prometheus = container(json, 'dev-prometheus');
  const config = parse(uploaded(prometheus, '/etc/prometheus/prometheus.yml'));

  test('THEN prometheus.yml names the credential files, never a credential, and writes the default queue out', () => {
    expect(config.remote_write).toEqual([
      {
        name: 'mimir',
        url: 'https://mimir.example.com/api/v1/push',
        basic_auth: { username: 'tenant-1', password_file: '/etc/prometheus/secrets/remote_write_mimir_password' },
        queue_config: { capacity: 10000, min_shards: 1, max_shards: 50, max_samples_per_send: 2000, batch_send_deadline: '5s', min_backoff: '30ms', max_backoff: '5000ms' },
      },
      {
        name: 'cloud',
        url: 'https://cloud.example.com/push',
        authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/secrets/remote_write_cloud_token' },
        queue_config: { capacity: 20000, min_shards: 1, max_shards: 10, max_samples_per_send: 2000, batch_send_deadline: '5s', min_backoff: '100ms', max_backoff: '30000ms' },
      },
    ]);
  });

  test('THEN each credential is a sensitive variable without default, mounted as the file the config names', () => {
    for (const name of ['prometheus_remote_write_mimir_password', 'prometheus_remote_write_cloud_token']) {
      expect(json.variable?.[name]).toMatchObject({ type: 'string', sensitive: true });
      expect(json.variable?.[name].default).toBeUndefined();
    }
    expect(text).toContain('${var.prometheus_remote_write_mimir_password}');
    expect(text).toContain('${var.prometheus_remote_write_cloud_token}');
    expect(JSON.stringify(prometheus)).toContain('/etc/prometheus/secrets/remote_write_cloud_token');
  });

  test('THEN promtool check config accepts the remote_write section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipewatch-rw-'));
    try {
      writeFileSync(join(dir, 'remote_write_mimir_password'), 'x');
      writeFileSync(join(dir, 'remote_write_cloud_token'), 'x');
      const file = join(dir, 'prometheus.yml');
      writeFileSync(file, toYaml(renderPrometheusConfig({ scrapeIntervalSeconds: 15, evaluationIntervalSeconds: 15, externalLabels: {}, alertmanagers: [], ruleFiles: [], scrapeJobs: [], remoteWrite: [MIMIR, CLOUD], secretsDir: dir })));
      expect(run(testTool('promtool'), ['check', 'config', file])).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GIVEN the local stack without remote_write', () => {
  test('THEN prometheus.yml has no remote_write section and the stack asks for no remote_write variable', () => {
    const { json } = synthLocal();
    expect(parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/prometheus.yml')).remote_write).toBeUndefined();
    expect(Object.keys(json.variable ?? {}).filter((v) => v.includes('remote_write'))).toEqual([]);
  });
});

describe('GIVEN a destination with credentials over plain http', () => {
  test('THEN synth warns that the credentials travel unencrypted', () => {
    const { stack } = synthLocal({ remoteWrite: [{ name: 'lab', url: 'http://10.0.0.5:9090/api/v1/write', auth: { kind: 'bearer' } }] });
    const prometheus = stack.monitoring.prometheus;
    expect(prometheus.node.metadata.map((m) => String(m.data))).toEqual([expect.stringContaining('remoteWrite "lab" sends its bearer credentials over plain http')]);
  });
});

describe('GIVEN bad remote_write input', () => {
  const build = (rw: RemoteWrite[]) => () => synthLocal({ remoteWrite: rw });

  test('WHEN the URL embeds credentials THEN synth fails naming the Prometheus construct, the value and the fix', () => {
    expect(build([{ name: 'mimir', url: 'https://user:secret@mimir.example.com/push' }])).toThrow(
      'test/Monitoring/Prometheus remoteWrite "mimir": invalid url "https://user:secret@mimir.example.com/push". Use an absolute http:// or https:// URL without credentials',
    );
  });

  test('WHEN the name is not usable in a variable name THEN synth fails with an example', () => {
    expect(build([{ name: 'Long-Term', url: 'https://a.example.com/push' }])).toThrow('test/Monitoring/Prometheus: invalid remoteWrite name "Long-Term". Use 1-40 lowercase letters, digits and underscores');
  });

  test('WHEN two destinations share a name THEN synth fails', () => {
    expect(build([MIMIR, { ...CLOUD, name: 'mimir' }])).toThrow('test/Monitoring/Prometheus: invalid remoteWrite name "mimir". Each remote_write destination needs its own name.');
  });

  test('WHEN queue settings contradict each other THEN synth fails naming the setting and the bound', () => {
    expect(build([{ ...MIMIR, queue: { minShards: 8, maxShards: 4 } }])).toThrow('remoteWrite "mimir": invalid queue.minShards 8. Use at most queue.maxShards (4).');
    expect(build([{ ...MIMIR, queue: { capacity: 500 } }])).toThrow('invalid queue.maxSamplesPerSend 2000. Use at most queue.capacity (500)');
    expect(build([{ ...MIMIR, queue: { maxShards: 0 } }])).toThrow('invalid queue.maxShards 0. Use a whole number of at least 1.');
    expect(build([{ ...MIMIR, queue: { batchSendDeadline: Duration.seconds(0) } }])).toThrow('invalid queue.batchSendDeadline "0s". Use at least Duration.seconds(1).');
  });

  test('WHEN the basic-auth username is empty THEN synth fails', () => {
    expect(build([{ name: 'mimir', url: 'https://a.example.com/push', auth: { kind: 'basic', username: '' } }])).toThrow('remoteWrite "mimir": invalid auth.username "".');
  });
});

describe('GIVEN the app reads its remote_write destination from the environment', () => {
  test('THEN the URL alone means no authentication, and bearer or basic:<user> choose the secret', () => {
    expect(remoteWriteTargets({})).toEqual([]);
    expect(remoteWriteTargets({ PIPEWATCH_REMOTE_WRITE_URL: 'https://m.example.com/push' })).toEqual([{ name: 'longterm', url: 'https://m.example.com/push' }]);
    expect(remoteWriteTargets({ PIPEWATCH_REMOTE_WRITE_URL: 'https://m.example.com/push', PIPEWATCH_REMOTE_WRITE_AUTH: 'basic:123456' })).toEqual([
      { name: 'longterm', url: 'https://m.example.com/push', auth: { kind: 'basic', username: '123456' } },
    ]);
    expect(() => remoteWriteTargets({ PIPEWATCH_REMOTE_WRITE_URL: 'https://m.example.com/push', PIPEWATCH_REMOTE_WRITE_AUTH: 'token' })).toThrow('PIPEWATCH_REMOTE_WRITE_AUTH: invalid value "token". Use bearer, basic:<username>');
  });
});
