import { writeFileSync } from 'fs';
import { toYaml } from '../../content/yaml';
import { renderAlertmanagerConfig } from '../../content/alertmanager/routing';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from '../../content/alertmanager/templates';
import { lineageInhibitRules } from '../../content/pipeline/lineage';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { amtoolPath, runTool, tempDirWith } from '../rules/tools';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const dir = tempDirWith({ [TEMPLATE_FILE]: NOTIFICATION_TEMPLATES });
const config = renderAlertmanagerConfig(
  {
    receivers: [
      { kind: 'slack', name: 'analytics-slack', channel: '#analytics-alerts' },
      { kind: 'pagerduty', name: 'analytics-pager', eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue' },
      { kind: 'email', name: 'ml-email', to: 'ml@example.com', from: 'alerts@example.com', smarthost: 'smtp.example.com:587', authUsername: 'alerts' },
      { kind: 'webhook', name: 'platform-hook', bearerTokenSecret: 'platform_hook_token' },
      { kind: 'webhook', name: 'deadmans-switch' },
    ],
    teamRoutes: [
      { team: 'analytics', receiver: 'analytics-slack' },
      { team: 'analytics', receiver: 'analytics-pager', severities: ['critical'] },
      { team: 'ml', receiver: 'ml-email' },
      { team: 'platform', receiver: 'platform-hook' },
    ],
    inhibitRules: lineageInhibitRules(EXAMPLE_PIPELINES),
    watchdogReceiver: 'deadmans-switch',
    templatesDir: dir,
  },
  'test/Alertmanager',
);
const configFile = `${dir}/alertmanager.yml`;
writeFileSync(configFile, toYaml(config));

describe('the rendered alertmanager.yml under amtool', () => {
  const amtool = amtoolPath();
  const routes = (labels: string[]) => runTool(amtool, ['config', 'routes', 'test', `--config.file=${configFile}`, ...labels], dir);

  it('GIVEN every receiver kind and the templates WHEN amtool checks the config THEN it is valid', () => {
    const result = runTool(amtool, ['check-config', configFile], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toMatch(/1 templates/);
    expect(result.status).toBe(0);
  });

  it('GIVEN a critical analytics alert WHEN routed THEN both the chat and the pager receive it', () => {
    const result = routes(['alertname=PipelineRunFailed', 'team=analytics', 'severity=critical', 'dag_id=example_etl']);
    expect(result.output.trim()).toBe('analytics-slack,analytics-pager');
  });

  it('GIVEN a warning analytics alert WHEN routed THEN only the chat receives it', () => {
    expect(routes(['alertname=PipelineDataStale', 'team=analytics', 'severity=warning', 'dag_id=data_quality']).output.trim()).toBe('analytics-slack');
  });

  it('GIVEN the Watchdog WHEN routed THEN only the dead-man\'s switch receives it, even with a team label', () => {
    expect(routes(['alertname=Watchdog', 'team=platform', 'severity=none']).output.trim()).toBe('deadmans-switch');
  });

  it('GIVEN an alert of a team without a route WHEN routed THEN it goes to the null default receiver', () => {
    expect(routes(['alertname=PipelineRunFailed', 'team=finance', 'severity=critical']).output.trim()).toBe('null');
  });
});
