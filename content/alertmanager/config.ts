/**
 * alertmanager.yml as types, for Alertmanager 0.35 (the stack's
 * prom/alertmanager image): only the fields pipewatch renders. Credentials
 * appear only as `*_file` paths.
 */
export interface AlertmanagerConfig {
  readonly global: GlobalConfig;
  readonly route: RouteConfig;
  readonly inhibit_rules: readonly InhibitRule[];
  readonly receivers: readonly ReceiverConfig[];
  readonly templates: readonly string[];
}

export interface GlobalConfig {
  readonly resolve_timeout: string;
}

export interface RouteConfig {
  readonly receiver?: string;
  /** Matchers in Alertmanager's syntax, e.g. `team="analytics"`, `severity=~"critical|warning"`. */
  readonly matchers?: readonly string[];
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly continue?: boolean;
  readonly routes?: readonly RouteConfig[];
}

/** Mutes alerts matching `target_matchers` while an alert matching `source_matchers` fires, if their `equal` labels agree. */
export interface InhibitRule {
  readonly source_matchers: readonly string[];
  readonly target_matchers: readonly string[];
  readonly equal?: readonly string[];
}

export interface ReceiverConfig {
  readonly name: string;
  readonly slack_configs?: readonly SlackConfig[];
  readonly email_configs?: readonly EmailConfig[];
  readonly pagerduty_configs?: readonly PagerdutyConfig[];
  readonly webhook_configs?: readonly WebhookConfig[];
}

export interface SlackConfig {
  readonly api_url_file: string;
  readonly channel: string;
  readonly send_resolved: boolean;
  readonly title: string;
  readonly title_link: string;
  readonly text: string;
}

export interface EmailConfig {
  readonly to: string;
  readonly from: string;
  readonly smarthost: string;
  readonly auth_username?: string;
  readonly auth_password_file?: string;
  readonly require_tls: boolean;
  readonly send_resolved: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly html: string;
}

export interface PagerdutyConfig {
  readonly routing_key_file: string;
  readonly url?: string;
  readonly send_resolved: boolean;
  readonly severity: string;
  readonly description: string;
  readonly details: Readonly<Record<string, string>>;
  readonly links: readonly { readonly href: string; readonly text: string }[];
}

export interface WebhookConfig {
  readonly url_file: string;
  readonly send_resolved: boolean;
  readonly max_alerts: number;
  readonly http_config?: { readonly authorization: { readonly type: 'Bearer'; readonly credentials_file: string } };
}

/** A label matcher with the value quoted, as Alertmanager's matcher syntax expects. */
export function matcher(label: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  return `${label}${op}${JSON.stringify(value)}`;
}

/** Regex alternation of literal values (Alertmanager anchors regex matchers). */
export function anyOf(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}
