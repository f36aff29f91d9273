import { randomBytes } from 'crypto';
import { AlertmanagerConfig } from '../../../content/alertmanager/config';
import { Receiver, receiverConfig, receiverSecrets } from '../../../content/alertmanager/receivers';
import { toYaml } from '../../../content/yaml';
import { alertmanagerProcess } from './alertmanager';
import { sendJson } from './http';
import { HttpSink, JsonPost } from './http-sink';
import { relocateSecretFiles } from './live-configs';
import { freePorts } from './ports';
import { ManagedProcess } from './processes';
import { Recorder } from './recorder';
import { ReceivedMail, SmtpSink } from './smtp-sink';

/** An alert as Alertmanager's webhook delivered it: what the channels render. */
export interface DeliveredAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** What each channel received for one notification. */
export interface ChannelMessages {
  /** Slack's incoming-webhook payload. */
  readonly slack: any;
  readonly email: ReceivedMail;
  /** PagerDuty's Events API v2 payload. */
  readonly pagerduty: any;
}

const SLACK: Receiver = { kind: 'slack', name: 'analytics-slack', channel: '#analytics-alerts' };
const PAGERDUTY_PATH = 'pagerduty/v2/enqueue';

/**
 * A second Alertmanager whose receivers are the stack's Slack, email and
 * PagerDuty ones (receiverConfig, the shared templates, credentials from
 * files), pointed at local sinks: an HTTP server for Slack's webhook URL and
 * PagerDuty's Events API, an SMTP server for email. Every alert goes to all
 * three, so one alert shows how each channel renders it.
 */
export class NotificationChannels {
  private readonly posts = new Recorder<JsonPost>((p) => p.path);

  private constructor(
    private readonly http: HttpSink,
    private readonly smtp: SmtpSink,
    private readonly alertmanager: ManagedProcess,
    private readonly url: string,
    /** The PagerDuty routing key the receiver reads from its secret file. */
    readonly routingKey: string,
  ) {}

  static async start(alertmanagerBinary: string, dir: string): Promise<NotificationChannels> {
    let channels: NotificationChannels | undefined;
    const http = await HttpSink.start((post) => channels?.posts.add(post));
    const smtp = await SmtpSink.start();
    const [port] = await freePorts(1);
    const routingKey = randomBytes(16).toString('hex');
    const process = alertmanagerProcess('alertmanager-channels', alertmanagerBinary, dir, port, (secretsDir, templatesDir) =>
      channelFiles({ sinkUrl: http.baseUrl, smtpPort: smtp.port, routingKey }, secretsDir, templatesDir),
    );
    channels = new NotificationChannels(http, smtp, process, `http://127.0.0.1:${port}`, routingKey);
    try {
      await process.start();
    } catch (error) {
      await Promise.allSettled([http.stop(), smtp.stop()]);
      throw error;
    }
    return channels;
  }

  /** The alert fired (or resolved) at Alertmanager, and what each channel then received. */
  async notify(alert: DeliveredAlert, status: 'firing' | 'resolved', timeoutMs = 30_000): Promise<ChannelMessages> {
    const now = new Date();
    const startsAt = new Date(now.getTime() - 60_000).toISOString();
    const endsAt = status === 'resolved' ? now.toISOString() : new Date(now.getTime() + 3_600_000).toISOString();
    await sendJson('POST', `${this.url}/api/v2/alerts`, [{ labels: alert.labels, annotations: alert.annotations, startsAt, endsAt }]);
    const titled = status === 'firing' ? '[FIRING' : '[RESOLVED]';
    const [slack, email, pagerduty] = await Promise.all([
      this.posts.waitFor((p) => p.path === 'slack' && p.body.attachments?.[0]?.title?.startsWith(titled), timeoutMs, `${status} Slack message`),
      this.smtp.mails.waitFor((m) => new RegExp(`^Subject: \\${titled}`, 'm').test(m.message), timeoutMs, `${status} email`),
      this.posts.waitFor((p) => p.path === PAGERDUTY_PATH && p.body.event_action === (status === 'firing' ? 'trigger' : 'resolve'), timeoutMs, `${status} PagerDuty event`),
    ]);
    return { slack: slack.body, email, pagerduty: pagerduty.body };
  }

  /** Everything Alertmanager logged so far. */
  log(): string {
    return this.alertmanager.logTail(Number.MAX_SAFE_INTEGER);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.alertmanager.stop(), this.http.stop(), this.smtp.stop()]);
  }
}

/** alertmanager.yml routing every alert to all three receivers, quickly (group_wait 1s, group_interval 2s), and their secrets. */
function channelFiles(sinks: { readonly sinkUrl: string; readonly smtpPort: number; readonly routingKey: string }, secretsDir: string, templatesDir: string) {
  const pager: Receiver = { kind: 'pagerduty', name: 'analytics-pager', eventsUrl: `${sinks.sinkUrl}/${PAGERDUTY_PATH}` };
  const receivers: Receiver[] = [
    SLACK,
    { kind: 'email', name: 'analytics-email', to: 'analytics-oncall@example.test', from: 'alerts@example.test', smarthost: `127.0.0.1:${sinks.smtpPort}`, requireTls: false },
    pager,
  ];
  const config: AlertmanagerConfig = {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: SLACK.name,
      group_by: ['alertname', 'dag_id'],
      group_wait: '1s',
      group_interval: '2s',
      repeat_interval: '4h',
      routes: receivers.map((r) => ({ receiver: r.name, continue: true })),
    },
    inhibit_rules: [],
    receivers: receivers.map(receiverConfig),
    templates: [`${templatesDir}/*.tmpl`],
  };
  return {
    config: toYaml(relocateSecretFiles(config, secretsDir)),
    secrets: { [receiverSecrets(SLACK)[0]]: `${sinks.sinkUrl}/slack\n`, [receiverSecrets(pager)[0]]: `${sinks.routingKey}\n` },
  };
}
