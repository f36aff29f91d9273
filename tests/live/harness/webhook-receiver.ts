import { EventEmitter } from 'events';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';

/** One alert of a webhook notification, with where and when it arrived. */
export interface ReceivedAlert {
  /** Receiver name from the URL path (`/<receiver>`). */
  readonly path: string;
  /** `receiver` field of the payload: the Alertmanager receiver that sent it. */
  readonly receiver: string;
  /** Status of this alert in the notification. */
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Wall-clock ms at which the request arrived. */
  readonly receivedAtMs: number;
}

export type AlertPredicate = (alert: ReceivedAlert) => boolean;

/** Matches alerts by receiver, status and labels. */
export function alertMatching(criteria: { readonly receiver?: string; readonly status?: 'firing' | 'resolved'; readonly labels?: Readonly<Record<string, string>> }): AlertPredicate {
  return (a) =>
    (criteria.receiver === undefined || a.path === criteria.receiver) &&
    (criteria.status === undefined || a.status === criteria.status) &&
    Object.entries(criteria.labels ?? {}).every(([k, v]) => a.labels[k] === v);
}

/**
 * The notification end of the tier: an in-process HTTP server that accepts
 * Alertmanager's webhook posts on `/<receiver name>` and records every alert
 * with its arrival time. It can be taken down and brought back on the same
 * port, to see Alertmanager retry.
 */
export class WebhookReceiver {
  readonly alerts: ReceivedAlert[] = [];
  private readonly events = new EventEmitter();
  private server: Server | undefined;
  private port = 0;

  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await receiver.listen(port);
    return receiver;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Closes the port and every open connection: Alertmanager's posts are refused until `resume`. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async resume(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  /** Alerts recorded so far that match. */
  received(predicate: AlertPredicate): ReceivedAlert[] {
    return this.alerts.filter(predicate);
  }

  /** The first recorded alert that matches, waiting for one up to `timeoutMs`. */
  waitFor(predicate: AlertPredicate, timeoutMs: number, what = 'a matching notification'): Promise<ReceivedAlert> {
    const found = this.alerts.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onAlert = (alert: ReceivedAlert) => {
        if (!predicate(alert)) return;
        clearTimeout(timer);
        this.events.off('alert', onAlert);
        resolve(alert);
      };
      const timer = setTimeout(() => {
        this.events.off('alert', onAlert);
        const seen = this.alerts.map((a) => `${a.path}:${a.status}:${a.labels.alertname}{dag_id=${a.labels.dag_id ?? ''}}`);
        reject(new Error(`no ${what} within ${Math.round(timeoutMs / 1000)}s; received so far: ${seen.join(', ') || 'nothing'}`));
      }, timeoutMs);
      this.events.on('alert', onAlert);
    });
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const receivedAtMs = Date.now();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          this.record(req.url ?? '/', JSON.parse(Buffer.concat(chunks).toString('utf8')), receivedAtMs);
          res.writeHead(200).end();
        } catch (error) {
          res.writeHead(400).end(String(error));
        }
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.server = server;
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private record(url: string, payload: { receiver: string; alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string> }[] }, receivedAtMs: number): void {
    const path = url.replace(/^\//, '');
    for (const a of payload.alerts) {
      const alert: ReceivedAlert = { path, receiver: payload.receiver, status: a.status, labels: a.labels, annotations: a.annotations, receivedAtMs };
      this.alerts.push(alert);
      this.events.emit('alert', alert);
    }
  }
}
