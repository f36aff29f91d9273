import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from '../../../constructs/alertmanager/templates';
import { getJson, getText, isOk, sendJson } from './http';
import { liveAlertmanagerFiles } from './live-configs';
import { ManagedProcess } from './processes';

export interface AlertmanagerOptions {
  readonly binary: string;
  readonly dir: string;
  readonly port: number;
  /** Base URL of the webhook receiver; each receiver posts to `<base>/<receiver name>`. */
  readonly receiverBaseUrl: string;
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

/**
 * Alertmanager v0.27 with the stack's rendered config. Silences and the
 * notification log live in `dir/data`, which survives restarts. Clustering
 * is off: it would listen on every interface.
 */
export class LiveAlertmanager {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(options: AlertmanagerOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    const secretsDir = join(options.dir, 'secrets');
    const templatesDir = join(options.dir, 'templates');
    mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
    mkdirSync(templatesDir, { recursive: true });
    writeFileSync(join(templatesDir, TEMPLATE_FILE), NOTIFICATION_TEMPLATES);
    const files = liveAlertmanagerFiles(options.receiverBaseUrl, secretsDir, templatesDir);
    for (const [name, content] of Object.entries(files.secrets)) writeFileSync(join(secretsDir, name), content, { mode: 0o600 });
    const configFile = join(options.dir, 'alertmanager.yml');
    writeFileSync(configFile, files.config);
    this.process = new ManagedProcess({
      name: 'alertmanager',
      command: options.binary,
      args: [
        `--config.file=${configFile}`,
        `--storage.path=${join(options.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${options.port}`,
        '--cluster.listen-address=',
      ],
      logFile: join(options.dir, 'alertmanager.log'),
      ready: () => isOk(`${this.url}/-/ready`),
    });
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
