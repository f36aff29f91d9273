import { InhibitRule, ReceiverConfig, RouteConfig } from '../alertmanager/config';
import { ALERTMANAGER_SECRETS_DIR } from '../alertmanager/receivers';
import { AlertmanagerModel, renderAlertmanagerConfig } from '../alertmanager/routing';
import { KubeObject, metadata, objectName, ObjectScope, packUnderBudget } from './objects';

/** A label matcher as the AlertmanagerConfig CRD writes it. */
export interface CrdMatcher {
  readonly name: string;
  readonly value: string;
  readonly matchType: '=' | '!=' | '=~' | '!~';
}

/** Every pipewatch alert carries `team`; the cluster's other alerts need not. */
export const PIPEWATCH_ALERTS: CrdMatcher = { name: 'team', matchType: '=~', value: '.+' };

/** A reference to one key of the Secret holding the receivers' credentials. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** Parses a matcher of Alertmanager's syntax as content/alertmanager writes them: `label op "json-quoted value"`. */
export function crdMatcher(text: string): CrdMatcher {
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(".*")$/.exec(text);
  if (!m) throw new Error(`matcher ${JSON.stringify(text)} is not of the form label="value"`);
  return { name: m[1], matchType: m[2] as CrdMatcher['matchType'], value: JSON.parse(m[3]) as string };
}

function crdRoute(route: RouteConfig): Record<string, unknown> {
  return {
    ...(route.receiver !== undefined ? { receiver: route.receiver } : {}),
    ...(route.matchers ? { matchers: route.matchers.map(crdMatcher) } : {}),
    ...(route.group_by ? { groupBy: [...route.group_by] } : {}),
    ...(route.group_wait ? { groupWait: route.group_wait } : {}),
    ...(route.group_interval ? { groupInterval: route.group_interval } : {}),
    ...(route.repeat_interval ? { repeatInterval: route.repeat_interval } : {}),
    ...(route.continue !== undefined ? { continue: route.continue } : {}),
    ...(route.routes ? { routes: route.routes.map(crdRoute) } : {}),
  };
}

function crdInhibitRule(rule: InhibitRule): Record<string, unknown> {
  return { sourceMatch: rule.source_matchers.map(crdMatcher), targetMatch: rule.target_matchers.map(crdMatcher), ...(rule.equal ? { equal: [...rule.equal] } : {}) };
}

/**
 * A receiver with every `*_file` credential turned into a reference to the
 * same-named key of `secretName`: the secrets the Docker stack mounts as
 * files are keys of one Kubernetes Secret here.
 */
function crdReceiver(r: ReceiverConfig, secretName: string): Record<string, unknown> {
  const ref = (file: string): SecretKeyRef => {
    if (!file.startsWith(`${ALERTMANAGER_SECRETS_DIR}/`)) throw new Error(`receiver ${r.name}: credential file ${file} is outside ${ALERTMANAGER_SECRETS_DIR}`);
    return { name: secretName, key: file.slice(ALERTMANAGER_SECRETS_DIR.length + 1) };
  };
  const keyValues = (o: Readonly<Record<string, string>>) => Object.entries(o).map(([key, value]) => ({ key, value }));
  return {
    name: r.name,
    ...(r.slack_configs && {
      slackConfigs: r.slack_configs.map((c) => ({ apiURL: ref(c.api_url_file), channel: c.channel, sendResolved: c.send_resolved, title: c.title, titleLink: c.title_link, text: c.text })),
    }),
    ...(r.email_configs && {
      emailConfigs: r.email_configs.map((c) => ({
        to: c.to,
        from: c.from,
        smarthost: c.smarthost,
        ...(c.auth_username !== undefined ? { authUsername: c.auth_username, authPassword: ref(c.auth_password_file!) } : {}),
        requireTLS: c.require_tls,
        sendResolved: c.send_resolved,
        headers: keyValues(c.headers),
        html: c.html,
      })),
    }),
    ...(r.pagerduty_configs && {
      pagerdutyConfigs: r.pagerduty_configs.map((c) => ({
        routingKey: ref(c.routing_key_file),
        ...(c.url ? { url: c.url } : {}),
        sendResolved: c.send_resolved,
        severity: c.severity,
        description: c.description,
        details: keyValues(c.details),
        pagerDutyLinkConfigs: c.links.map((l) => ({ href: l.href, alt: l.text })),
      })),
    }),
    ...(r.webhook_configs && {
      webhookConfigs: r.webhook_configs.map((c) => ({
        urlSecret: ref(c.url_file),
        sendResolved: c.send_resolved,
        maxAlerts: c.max_alerts,
        ...(c.http_config ? { httpConfig: { authorization: { type: c.http_config.authorization.type, credentials: ref(c.http_config.authorization.credentials_file) } } } : {}),
      })),
    }),
  };
}

/**
 * The stack's Alertmanager routing as AlertmanagerConfig objects
 * (monitoring.coreos.com/v1alpha1), rendered by the function the Docker
 * stack's alertmanager.yml comes from: `<env>-routing` holds the route, the
 * receivers and the inhibitions that fit; the rest of the inhibitions (one
 * per pipeline with upstreams) go to `<env>-inhibitions-<n>`, each under the
 * object budget. Credentials are keys of the Secret `secretName`, created by
 * whoever runs the cluster, never written here.
 */
export function alertmanagerConfigs(scope: ObjectScope, model: Omit<AlertmanagerModel, 'templatesDir'>, secretName: string): KubeObject[] {
  const routing = objectName('AlertmanagerConfig', scope, 'routing');
  // Templates come from the Alertmanager resource on Kubernetes (docs/kubernetes.md); the path is not used.
  const rendered = renderAlertmanagerConfig({ ...model, templatesDir: '/unused' }, `AlertmanagerConfig ${routing}`);
  const object = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig', metadata: metadata(scope, name), spec });
  // The operator hangs this route under the cluster's root route, where kube-prometheus-stack's own alerts
  // (its Watchdog among them) pass too: pipewatch's alerts are the ones with a `team` label.
  const route = { ...crdRoute(rendered.route), matchers: [PIPEWATCH_ALERTS] };
  const routes = { route, receivers: rendered.receivers.map((r) => crdReceiver(r, secretName)) };
  const inhibitRules = rendered.inhibit_rules.map(crdInhibitRule);
  const first = packUnderBudget(inhibitRules, (chunk) => object(routing, { ...routes, inhibitRules: chunk }), () => `AlertmanagerConfig ${routing} inhibit rule`)[0];
  const kept = (first.spec as { inhibitRules: unknown[] }).inhibitRules.length;
  const rest = packUnderBudget(inhibitRules.slice(kept), (chunk, i) => object(objectName('AlertmanagerConfig', scope, 'inhibitions', String(i + 1)), { inhibitRules: chunk }), () => 'AlertmanagerConfig inhibit rule');
  return [first, ...rest];
}
