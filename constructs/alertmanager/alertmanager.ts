import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { toYaml } from '../../content/yaml';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { webExternalUrl } from '../../content/links';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { invalid } from '../../content/validation';
import { Severity } from '../../content/pipeline/spec';
import { InhibitRule } from '../../content/alertmanager/config';
import { ALERTMANAGER_SECRETS_DIR, Receiver, receiverSecrets, validateReceiver } from '../../content/alertmanager/receivers';
import { renderAlertmanagerConfig, TeamRoute } from '../../content/alertmanager/routing';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from '../../content/alertmanager/templates';

export interface AlertmanagerProps {
  readonly platform: Platform;
  /** @default [] */
  readonly receivers?: readonly Receiver[];
  /** Which receiver gets each team's alerts. @default [] */
  readonly teamRoutes?: readonly TeamRoute[];
  /** Receives alerts no team route matches. @default - dropped (the `null` receiver) */
  readonly defaultReceiver?: string;
  /** Dead-man's-switch receiver for the always-firing Watchdog. @default - dropped (the `null` receiver) */
  readonly watchdogReceiver?: string;
  /** Extra inhibit rules, e.g. lineageInhibitRules(specs). @default [] */
  readonly inhibitRules?: readonly InhibitRule[];
  /** Host port of the web UI (bound to the platform's publish address). @default 9093 */
  readonly hostPort?: number;
  /**
   * URL people open the UI at. Links in notifications (Slack's fallback,
   * PagerDuty's client link, the webhook's externalURL) point there.
   * @default `http://localhost:<hostPort>`
   */
  readonly externalUrl?: string;
}

const CONFIG_DIR = '/etc/alertmanager';
const TEMPLATES_DIR = `${CONFIG_DIR}/templates`;

/**
 * Alertmanager with typed receivers, team routing and inhibition, rendered
 * at synth so receivers and routes added after construction are included.
 * Receiver credentials are sensitive Terraform variables
 * (`alertmanager_<secret>`) mounted as files under /etc/alertmanager/secrets.
 */
export class Alertmanager extends Construct {
  readonly service: ServiceContainer;
  private readonly receivers: Receiver[] = [];
  private readonly teamRoutes: TeamRoute[] = [];
  private readonly inhibitRules: InhibitRule[] = [];
  private readonly secrets = new Set<string>();
  private readonly defaultReceiver?: string;
  private readonly watchdogReceiver?: string;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    const { platform } = props;
    this.defaultReceiver = props.defaultReceiver;
    this.watchdogReceiver = props.watchdogReceiver;
    const config = () => toYaml(this.renderConfig());
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: SERVICE_NAMES.alertmanager,
      image: 'alertmanager',
      command: [`--config.file=${CONFIG_DIR}/alertmanager.yml`, '--storage.path=/alertmanager', `--web.external-url=${webExternalUrl(this, props.externalUrl, props.hostPort ?? SERVICE_PORTS.alertmanager)}`],
      ports: [{ internal: SERVICE_PORTS.alertmanager, external: props.hostPort }],
      mounts: [{ volume: platform.volume(this, 'Data', 'alertmanager-data'), containerPath: '/alertmanager' }],
      configFiles: [
        { path: `${CONFIG_DIR}/alertmanager.yml`, content: config },
        { path: `${TEMPLATES_DIR}/${TEMPLATE_FILE}`, content: NOTIFICATION_TEMPLATES },
      ],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.alertmanager}/-/ready`),
    });
    (props.receivers ?? []).forEach((r) => this.addReceiver(r));
    (props.teamRoutes ?? []).forEach((r) => this.routeTeam(r.team, r.receiver, { severities: r.severities }));
    (props.inhibitRules ?? []).forEach((r) => this.addInhibitRule(r));
    // Routes may name receivers added later: the references are checked once everything is declared.
    this.node.addValidation({ validate: () => this.configErrors() });
  }

  /** Adds a receiver and the sensitive variables its credentials come from. */
  addReceiver(receiver: Receiver): void {
    validateReceiver(receiver, this.node.path);
    if (this.receivers.some((r) => r.name === receiver.name)) invalid(this, 'receiver name', receiver.name, 'Each receiver needs its own name.');
    this.receivers.push(receiver);
    for (const secret of receiverSecrets(receiver)) this.addSecret(secret);
  }

  /** Sends the team's alerts (optionally only the given severities) to the receiver; every matching route notifies. */
  routeTeam(team: string, receiverName: string, options: { readonly severities?: readonly Severity[] } = {}): void {
    this.teamRoutes.push({ team, receiver: receiverName, ...(options.severities ? { severities: options.severities } : {}) });
  }

  addInhibitRule(rule: InhibitRule): void {
    this.inhibitRules.push(rule);
  }

  get url(): string {
    return this.service.url(SERVICE_PORTS.alertmanager);
  }

  private addSecret(name: string): void {
    if (this.secrets.has(name)) return;
    this.secrets.add(name);
    const variable = new TerraformVariable(TerraformStack.of(this), `alertmanager_${name}`, {
      type: 'string',
      sensitive: true,
      description: `Alertmanager credential mounted as ${ALERTMANAGER_SECRETS_DIR}/${name}`,
    });
    this.service.addSecretFile({ path: `${ALERTMANAGER_SECRETS_DIR}/${name}`, content: variable.stringValue });
  }

  private renderConfig() {
    return renderAlertmanagerConfig(
      {
        receivers: this.receivers,
        teamRoutes: this.teamRoutes,
        inhibitRules: this.inhibitRules,
        defaultReceiver: this.defaultReceiver,
        watchdogReceiver: this.watchdogReceiver,
        templatesDir: TEMPLATES_DIR,
      },
      this.node.path,
    );
  }

  private configErrors(): string[] {
    try {
      this.renderConfig();
      return [];
    } catch (e) {
      return [(e as Error).message];
    }
  }
}
