import { Duration } from '../../../content/duration';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { NotificationTiming } from '../../../content/alertmanager/routing';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from '../../../content/alertmanager/templates';
import { getJson, getText, isOk, sendJson } from './http';
import { LiveAlertmanagerFiles, liveAlertmanagerFiles } from './live-configs';
import { ManagedProcess } from './processes';

export interface AlertmanagerOptions {
  readonly binary: string;
  readonly dir: string;
  readonly port: number;
  /** Base URL of the webhook receiver; each receiver posts to `<base>/<receiver name>`. */
  readonly receiverBaseUrl: string;
  /** @default the stack's (DEFAULT_NOTIFICATION_TIMING) */
  readonly timing?: NotificationTiming;
}

/** An alert as Alertmanager's API v2 shows it, with whether it is inhibited or silenced. */
export interface AlertmanagerAlert {
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: readonly string[]; readonly silencedBy: readonly string[] };
  readonly receivers: readonly { readonly name: string }[];
}

export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual?: boolean;
}

/** alertmanager.yml and its secret files, rendered for the directories they are written to. */
export type AlertmanagerFiles = (secretsDir: string, templatesDir: string) => LiveAlertmanagerFiles;

/**
 * Writes the stack's notification templates, the secret files and
 * alertmanager.yml under `dir`, and returns Alertmanager (the stack's version) serving them on
 * 127.0.0.1:`port`, with its silences and notification log in `dir/data`
 * (kept across restarts). Clustering is off: it would listen on every interface.
 */
export function alertmanagerProcess(name: string, binary: string, dir: string, port: number, files: AlertmanagerFiles): ManagedProcess {
  const secretsDir = join(dir, 'secrets');
  const templatesDir = join(dir, 'templates');
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  mkdirSync(templatesDir, { recursive: true });
  writeFileSync(join(templatesDir, TEMPLATE_FILE), NOTIFICATION_TEMPLATES);
  const { config, secrets } = files(secretsDir, templatesDir);
  for (const [file, content] of Object.entries(secrets)) writeFileSync(join(secretsDir, file), content, { mode: 0o600 });
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config);
  return new ManagedProcess({
    name,
    command: binary,
    args: [`--config.file=${configFile}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
    logFile: join(dir, 'alertmanager.log'),
    ready: () => isOk(`http://127.0.0.1:${port}/-/ready`),
  });
}

/** Alertmanager with the stack's rendered config, every team routed to the test's webhook receiver. */
export class LiveAlertmanager {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(options: AlertmanagerOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.process = alertmanagerProcess('alertmanager', options.binary, options.dir, options.port, (secretsDir, templatesDir) =>
      liveAlertmanagerFiles(options.receiverBaseUrl, secretsDir, templatesDir, options.timing),
    );
  }

  static async start(options: AlertmanagerOptions): Promise<LiveAlertmanager> {
    const alertmanager = new LiveAlertmanager(options);
    await alertmanager.process.start();
    return alertmanager;
  }

  /** Every alert Alertmanager holds, including inhibited and silenced ones. */
  async alerts(): Promise<AlertmanagerAlert[]> {
    return getJson(`${this.url}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`);
  }

  async createSilence(matchers: readonly Matcher[], comment: string, durationMs: number): Promise<string> {
    const now = Date.now();
    const body = { matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + durationMs).toISOString(), createdBy: 'pipewatch live tier', comment };
    return (await sendJson('POST', `${this.url}/api/v2/silences`, body)).silenceID;
  }

  async silences(): Promise<{ id: string; status: { state: string }; comment: string; matchers: Matcher[] }[]> {
    return getJson(`${this.url}/api/v2/silences`);
  }

  async metrics(): Promise<string> {
    return getText(`${this.url}/metrics`);
  }
}

/**
 * Alertmanager timers for tiers that watch an alert fire and then resolve:
 * the stack's routing with a short group interval, so a resolved
 * notification follows within seconds rather than the stack's five minutes.
 */
export const QUICK_RESOLVE_TIMING = {
  groupWait: Duration.seconds(2),
  groupInterval: Duration.seconds(5),
  repeatInterval: Duration.hours(4),
  watchdogGroupInterval: Duration.minutes(1),
  watchdogRepeatInterval: Duration.minutes(5),
};
