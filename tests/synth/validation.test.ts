import { AnnotationMetadataEntryType, Testing } from 'cdktf';
import { Platform } from '../../constructs/core/platform';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { LocalDockerStack } from '../../stacks/local-docker';
import { environmentName, hostPortOffset } from '../../stacks/environments';
import { synthLocal } from '../support/synth';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const build = (props: Record<string, unknown>) => () =>
  new LocalDockerStack(Testing.app(), 'test', { environment: 'dev', pipelines: EXAMPLE_PIPELINES, ...props });

describe('GIVEN bad input to the stack', () => {
  test('WHEN the environment name has capitals THEN synth fails naming the construct path, the value and the fix', () => {
    expect(build({ environment: 'Dev_1' })).toThrow('test/Monitoring/Platform: invalid environment "Dev_1". Use 1-63 lowercase letters, digits and dashes');
  });

  test('WHEN an image override uses an unknown key THEN synth fails listing the known keys', () => {
    expect(build({ images: { grafna: 'grafana/grafana:11.4.0' } })).toThrow(/invalid images\.grafna .*Known image keys are: postgres, redis/);
  });

  test('WHEN an image override is not an image reference THEN synth fails with an example', () => {
    expect(build({ images: { grafana: 'https://example.com/grafana' } })).toThrow(/invalid images\.grafana "https:\/\/example\.com\/grafana"\. Use an image reference/);
  });

  test('WHEN the retention is zero THEN synth fails naming Prometheus', () => {
    expect(build({ prometheusRetentionDays: 0 })).toThrow('test/Monitoring/Prometheus: invalid retentionDays 0. Use a number greater than zero.');
  });

  test('WHEN the host port offset would overflow THEN synth fails with the allowed range', () => {
    expect(build({ hostPortOffset: 60000 })).toThrow(/invalid hostPortOffset 60000\. Use a whole number from 0 to 56442 \(the highest published port is 9093\)/);
    expect(() => hostPortOffset({ PIPEWATCH_PORT_OFFSET: 'ten' })).toThrow('PIPEWATCH_PORT_OFFSET: invalid value "ten"');
  });

  test('WHEN the offset puts the highest published port (Alertmanager 9093) exactly at 65535 THEN synth passes, one more fails', () => {
    expect(build({ hostPortOffset: 65535 - 9093 })).not.toThrow();
    expect(build({ hostPortOffset: 65535 - 9093 + 1 })).toThrow('invalid hostPortOffset 56443');
  });

  test('WHEN an existing Airflow makes StatsD (9125) the highest published port THEN the offset limit follows it', () => {
    expect(build({ airflow: false, hostPortOffset: 65535 - 9125 })).not.toThrow();
    expect(build({ airflow: false, hostPortOffset: 65535 - 9125 + 1 })).toThrow(/invalid hostPortOffset 56411\. Use a whole number from 0 to 56410 \(the highest published port is 9125\)/);
  });

  test('WHEN PIPEWATCH_ENV is not a DNS label THEN the app refuses it', () => {
    expect(() => environmentName({ PIPEWATCH_ENV: 'my env' })).toThrow('PIPEWATCH_ENV: invalid environment "my env"');
    expect(environmentName({})).toBe('dev');
  });
});

describe('GIVEN an image override without a tag', () => {
  test('THEN synth warns that deploys may change under the user', () => {
    const { stack } = synthLocal({ images: { grafana: 'mirror.example.com/grafana/grafana' } });
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN));
    expect(warnings.map((w) => String(w.data))).toEqual(expect.arrayContaining([expect.stringContaining('images.grafana "mirror.example.com/grafana/grafana" has no pinned tag')]));
  });
});

describe('GIVEN a platform', () => {
  test('WHEN two containers use the same image THEN one docker_image resource serves both', () => {
    const synthesized = Testing.synthScope((scope) => {
      const platform = new Platform(scope, 'P', { environment: 'dev' });
      platform.imageResource('airflow');
      platform.imageResource('airflow');
    });
    const images = Object.values(JSON.parse(synthesized).resource.docker_image) as { name: string }[];
    expect(images.map((i) => i.name)).toEqual(['apache/airflow:3.1.8-python3.11']);
  });
});
