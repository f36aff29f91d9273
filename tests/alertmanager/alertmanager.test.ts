import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { Alertmanager } from '../../constructs/alertmanager/alertmanager';
import { Platform } from '../../constructs/core/platform';
import { lineageInhibitRules } from '../../content/pipeline/lineage';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { containers, synthToFiles, uploaded } from '../support/synth';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

function setup() {
  const stack = new TerraformStack(Testing.app() as App, 'Stack');
  new DockerProvider(stack, 'Docker');
  const platform = new Platform(stack, 'Platform', { environment: 'dev' });
  const alertmanager = new Alertmanager(stack, 'Alertmanager', { platform, inhibitRules: lineageInhibitRules(EXAMPLE_PIPELINES) });
  return { stack, alertmanager };
}

function synthesized(stack: TerraformStack) {
  const { json } = synthToFiles(stack);
  const [container] = containers(json);
  const file = (path: string) => uploaded(container, path);
  return { json, container, file, config: parse(file('/etc/alertmanager/alertmanager.yml')) };
}

describe('Alertmanager', () => {
  it('GIVEN receivers and routes added after construction WHEN synthesized THEN they reach alertmanager.yml', () => {
    const { stack, alertmanager } = setup();
    alertmanager.addReceiver({ kind: 'slack', name: 'analytics-slack', channel: '#analytics' });
    alertmanager.routeTeam('analytics', 'analytics-slack', { severities: ['critical', 'warning'] });
    const { config } = synthesized(stack);
    expect(config.receivers.map((r: { name: string }) => r.name)).toEqual(['null', 'analytics-slack']);
    expect(config.route.routes[1]).toEqual({ matchers: ['team="analytics"', 'severity=~"critical|warning"'], receiver: 'analytics-slack', continue: true });
    expect(config.inhibit_rules).toHaveLength(4);
  });

  it('GIVEN receivers with credentials WHEN synthesized THEN each secret is a sensitive variable mounted as a file, never a literal', () => {
    const { stack, alertmanager } = setup();
    alertmanager.addReceiver({ kind: 'pagerduty', name: 'ml-pager' });
    alertmanager.addReceiver({ kind: 'webhook', name: 'hook', bearerTokenSecret: 'hook_token' });
    const { json, file, config } = synthesized(stack);
    expect(Object.keys(json.variable!).sort()).toEqual(['alertmanager_hook_token', 'alertmanager_hook_url', 'alertmanager_ml_pager_routing_key']);
    expect(Object.values(json.variable!).every((v) => (v as { sensitive: boolean }).sensitive)).toBe(true);
    expect(file('/etc/alertmanager/secrets/ml_pager_routing_key')).toBe('${var.alertmanager_ml_pager_routing_key}');
    expect(config.receivers[1].pagerduty_configs[0].routing_key_file).toBe('/etc/alertmanager/secrets/ml_pager_routing_key');
    expect(config.receivers[2].webhook_configs[0].http_config.authorization.credentials_file).toBe('/etc/alertmanager/secrets/hook_token');
  });

  it('GIVEN the default platform WHEN synthesized THEN port 9093 is published on loopback only and the templates are mounted', () => {
    const { stack } = setup();
    const { container, file } = synthesized(stack);
    expect(container.ports).toEqual([expect.objectContaining({ internal: 9093, external: 9093, ip: '127.0.0.1' })]);
    expect(file('/etc/alertmanager/templates/pipewatch.tmpl')).toContain('define "pipewatch.title"');
  });

  it('GIVEN a route to a receiver nobody added WHEN validated THEN the error names the construct, the receiver and the fix', () => {
    const { alertmanager } = setup();
    alertmanager.routeTeam('analytics', 'analytics-slack');
    expect(alertmanager.node.validate()).toEqual([expect.stringMatching(/^Stack\/Alertmanager: invalid route for team analytics "analytics-slack"\. No receiver has that name\. Add it with addReceiver\(\) first/)]);
  });

  it('GIVEN a PagerDuty receiver in the EU service region WHEN synthesized THEN it posts to the EU Events API', () => {
    const { stack, alertmanager } = setup();
    alertmanager.addReceiver({ kind: 'pagerduty', name: 'eu-pager', eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue' });
    expect(synthesized(stack).config.receivers[1].pagerduty_configs[0].url).toBe('https://events.eu.pagerduty.com/v2/enqueue');
  });

  it('GIVEN a PagerDuty eventsUrl that is not an http(s) URL WHEN added THEN the error names the construct, the value and the fix', () => {
    const { alertmanager } = setup();
    expect(() => alertmanager.addReceiver({ kind: 'pagerduty', name: 'eu-pager', eventsUrl: 'events.eu.pagerduty.com' })).toThrow(
      /^Stack\/Alertmanager: invalid receiver eu-pager eventsUrl "events\.eu\.pagerduty\.com"\. Use an absolute http:\/\/ or https:\/\/ URL .*e\.g\. "https:\/\/events\.eu\.pagerduty\.com\/v2\/enqueue"/,
    );
  });

  it('GIVEN an externalUrl that is not a URL WHEN constructed THEN the error names the construct, the value and the fix', () => {
    const stack = new TerraformStack(Testing.app() as App, 'Stack');
    const platform = new Platform(stack, 'Platform', { environment: 'dev' });
    expect(() => new Alertmanager(stack, 'Alertmanager', { platform, externalUrl: 'alertmanager.example.com:9093' })).toThrow(
      /^Stack\/Alertmanager: invalid externalUrl "alertmanager\.example\.com:9093"\. Use an absolute http:\/\/ or https:\/\/ URL/,
    );
  });

  it('GIVEN a receiver name used twice WHEN added THEN it is rejected at once', () => {
    const { alertmanager } = setup();
    alertmanager.addReceiver({ kind: 'webhook', name: 'hook' });
    expect(() => alertmanager.addReceiver({ kind: 'webhook', name: 'hook' })).toThrow(/invalid receiver name "hook"\. Each receiver needs its own name/);
  });
});
