import { invalid, requireHttpUrl } from '../validation';
import { ReceiverConfig } from './config';

/** Where the Alertmanager container reads credentials: one file per secret, never a value in the config. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/** Receiver that drops notifications: the default when none is configured, and the Watchdog's without a dead-man's switch. */
export const NULL_RECEIVER = 'null';

/**
 * A notification target. Credentials are named secrets: each becomes a
 * sensitive Terraform variable whose value is mounted as
 * /etc/alertmanager/secrets/<secret>.
 */
export type Receiver =
  | {
      readonly kind: 'slack';
      readonly name: string;
      readonly channel: string;
      /** Secret holding the Slack webhook URL. @default '<name>_api_url' */
      readonly apiUrlSecret?: string;
    }
  | {
      readonly kind: 'email';
      readonly name: string;
      readonly to: string;
      readonly from: string;
      /** `host:port` of the SMTP server. */
      readonly smarthost: string;
      /** @default - no SMTP authentication */
      readonly authUsername?: string;
      /** Secret holding the SMTP password; required with authUsername. @default '<name>_password' */
      readonly authPasswordSecret?: string;
      /** @default true */
      readonly requireTls?: boolean;
    }
  | {
      readonly kind: 'pagerduty';
      readonly name: string;
      /** Secret holding the Events API v2 routing key. @default '<name>_routing_key' */
      readonly routingKeySecret?: string;
      /**
       * Events API v2 endpoint, for accounts outside the US service region
       * (EU: https://events.eu.pagerduty.com/v2/enqueue).
       * @default - Alertmanager's default, https://events.pagerduty.com/v2/enqueue
       */
      readonly eventsUrl?: string;
    }
  | {
      readonly kind: 'webhook';
      readonly name: string;
      /** Secret holding the URL (it often embeds a token). @default '<name>_url' */
      readonly urlSecret?: string;
      /** Secret holding a bearer token sent in the Authorization header. @default - no header */
      readonly bearerTokenSecret?: string;
      /** @default 0 (all alerts of the group) */
      readonly maxAlerts?: number;
    };

const RECEIVER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const SECRET_NAME = /^[a-z0-9_]{1,64}$/;

const secretName = (r: Receiver, own: string | undefined, suffix: string) => own ?? `${r.name.replace(/-/g, '_')}_${suffix}`;

/** Secret names the receiver reads, in a stable order. */
export function receiverSecrets(r: Receiver): string[] {
  switch (r.kind) {
    case 'slack':
      return [secretName(r, r.apiUrlSecret, 'api_url')];
    case 'email':
      return r.authUsername === undefined ? [] : [secretName(r, r.authPasswordSecret, 'password')];
    case 'pagerduty':
      return [secretName(r, r.routingKeySecret, 'routing_key')];
    case 'webhook':
      return [secretName(r, r.urlSecret, 'url'), ...(r.bearerTokenSecret ? [r.bearerTokenSecret] : [])];
  }
}

/** Throws a validation error naming `where` unless the receiver's names are usable. */
export function validateReceiver(r: Receiver, where: string): void {
  if (!RECEIVER_NAME.test(r.name) || r.name === NULL_RECEIVER) {
    invalid(where, 'receiver name', r.name, `Use lowercase letters, digits, "-" and "_" (up to 63), other than "${NULL_RECEIVER}" which pipewatch reserves.`);
  }
  for (const secret of receiverSecrets(r)) {
    if (!SECRET_NAME.test(secret)) invalid(where, `receiver ${r.name} secret name`, secret, 'Use lowercase letters, digits and "_": it becomes a file name and a Terraform variable name.');
  }
  if (r.kind === 'email' && r.authUsername === undefined && r.authPasswordSecret !== undefined) {
    invalid(where, `receiver ${r.name} authUsername`, undefined, 'Set authUsername too: the password secret is only sent with a user name.');
  }
  if (r.kind === 'pagerduty' && r.eventsUrl !== undefined) {
    requireHttpUrl(where, `receiver ${r.name} eventsUrl`, r.eventsUrl, '"https://events.eu.pagerduty.com/v2/enqueue"');
  }
  if (r.kind === 'webhook' && r.maxAlerts !== undefined && !(Number.isInteger(r.maxAlerts) && r.maxAlerts >= 0)) {
    invalid(where, `receiver ${r.name} maxAlerts`, r.maxAlerts, 'Use a whole number; 0 sends every alert of the group.');
  }
}

const secretFile = (name: string) => `${ALERTMANAGER_SECRETS_DIR}/${name}`;
const TITLE = '{{ template "pipewatch.title" . }}';
const FIRST_ALERT = '(index .Alerts 0).Annotations';

/** The receiver as alertmanager.yml writes it, with the pipewatch templates. */
export function receiverConfig(r: Receiver): ReceiverConfig {
  const [secret, extraSecret] = receiverSecrets(r);
  switch (r.kind) {
    case 'slack':
      return {
        name: r.name,
        slack_configs: [
          {
            api_url_file: secretFile(secret),
            channel: r.channel,
            send_resolved: true,
            title: TITLE,
            title_link: `{{ ${FIRST_ALERT}.dashboard_url }}`,
            text: '{{ template "pipewatch.slack.text" . }}',
          },
        ],
      };
    case 'email':
      return {
        name: r.name,
        email_configs: [
          {
            to: r.to,
            from: r.from,
            smarthost: r.smarthost,
            ...(r.authUsername !== undefined ? { auth_username: r.authUsername, auth_password_file: secretFile(secret) } : {}),
            require_tls: r.requireTls ?? true,
            send_resolved: true,
            headers: { Subject: TITLE },
            html: '{{ template "pipewatch.email.html" . }}',
          },
        ],
      };
    case 'pagerduty':
      return {
        name: r.name,
        pagerduty_configs: [
          {
            routing_key_file: secretFile(secret),
            ...(r.eventsUrl !== undefined ? { url: r.eventsUrl } : {}),
            send_resolved: true,
            severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}',
            description: TITLE,
            details: { pipeline: '{{ .CommonLabels.dag_id }}', team: '{{ .CommonLabels.team }}', alerts: '{{ template "pipewatch.text" . }}' },
            links: [
              { href: `{{ ${FIRST_ALERT}.dashboard_url }}`, text: 'Dashboard' },
              { href: `{{ ${FIRST_ALERT}.runbook_url }}`, text: 'Runbook' },
            ],
          },
        ],
      };
    case 'webhook':
      return {
        name: r.name,
        webhook_configs: [
          {
            url_file: secretFile(secret),
            send_resolved: true,
            max_alerts: r.maxAlerts ?? 0,
            ...(extraSecret !== undefined ? { http_config: { authorization: { type: 'Bearer' as const, credentials_file: secretFile(extraSecret) } } } : {}),
          },
        ],
      };
  }
}
