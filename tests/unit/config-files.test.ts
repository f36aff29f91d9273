import { readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Password } from '@cdktf/provider-random/lib/password';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { Platform } from '../../constructs/core/platform';
import { ServiceContainer } from '../../constructs/core/service-container';

function job(stack: TerraformStack, configFiles: { path: string; content: string | (() => string) }[]): ServiceContainer {
  new DockerProvider(stack, 'Docker');
  const platform = new Platform(stack, 'Platform', { environment: 'dev' });
  return new ServiceContainer(stack, 'Job', { platform, service: 'job', image: 'prometheus', oneShot: true, configFiles });
}

describe('GIVEN a container with config files', () => {
  test('WHEN files are added and changed after construction THEN synth writes them as the stack holds them then, byte for byte', () => {
    const stack = new TerraformStack(Testing.app() as App, 'stack');
    let version = 'first';
    const container = job(stack, [{ path: '/etc/job/config.yml', content: () => `version: ${version}\n` }]);
    container.addConfigFile({ path: '/etc/job/later.txt', content: '${grafana} and %{literal}\n' });
    version = 'second';
    const outdir = Testing.fullSynth(stack);
    try {
      const file = (path: string) => readFileSync(join(outdir, 'stacks/stack/assets/config-files/dev-job', path), 'utf8');
      expect(file('etc/job/config.yml')).toBe('version: second\n');
      expect(file('etc/job/later.txt')).toBe('${grafana} and %{literal}\n');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('WHEN a path is relative or climbs out with ".." THEN construction fails naming the construct, the path and the fix', () => {
    expect(() => job(new TerraformStack(Testing.app() as App, 'stack'), [{ path: 'etc/job.yml', content: '' }])).toThrow(
      'stack/Job/ConfigFiles: invalid config file path "etc/job.yml". Use an absolute path inside the container without "..", e.g. /etc/prometheus/prometheus.yml.',
    );
    expect(() => job(new TerraformStack(Testing.app() as App, 'stack'), [{ path: '/etc/../root/x', content: '' }])).toThrow('invalid config file path "/etc/../root/x"');
  });

  test('WHEN two files share a path THEN construction fails naming it', () => {
    expect(() => job(new TerraformStack(Testing.app() as App, 'stack'), [{ path: '/etc/a.yml', content: 'a' }, { path: '/etc/a.yml', content: 'b' }])).toThrow(
      'stack/Job/ConfigFiles: invalid config file path "/etc/a.yml". Each config file of a container needs its own path.',
    );
  });

  test('WHEN a config file holds a Terraform reference THEN synth fails naming the construct and the file, and points at secretFiles', () => {
    const stack = new TerraformStack(Testing.app() as App, 'stack');
    new RandomProvider(stack, 'Random');
    const password = new Password(stack, 'Password', { length: 20 });
    job(stack, [{ path: '/etc/job/secret.txt', content: password.result }]);
    expect(() => Testing.fullSynth(stack)).toThrow(/stack\/Job\/ConfigFiles: invalid config file "\/etc\/job\/secret.txt"\. Its content holds a Terraform reference.*secretFiles/);
  });
});
