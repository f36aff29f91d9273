import { HttpSink, JsonPost } from './http-sink';
import { Recorder } from './recorder';

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
  private readonly recorder = new Recorder<ReceivedAlert>((a) => `${a.path}:${a.status}:${a.labels.alertname}{dag_id=${a.labels.dag_id ?? ''}}`);

  private constructor(private readonly sink: HttpSink) {}

  static async start(port = 0): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const sink = await HttpSink.start((post) => receiver?.record(post), port);
    receiver = new WebhookReceiver(sink);
    return receiver;
  }

  /** Every alert recorded so far, oldest first. */
  get alerts(): readonly ReceivedAlert[] {
    return this.recorder.items;
  }

  get baseUrl(): string {
    return this.sink.baseUrl;
  }

  get isUp(): boolean {
    return this.sink.isUp;
  }

  /** Closes the port and every open connection: Alertmanager's posts are refused until `resume`. */
  stop(): Promise<void> {
    return this.sink.stop();
  }

  resume(): Promise<void> {
    return this.sink.resume();
  }

  /** Alerts recorded so far that match. */
  received(predicate: AlertPredicate): ReceivedAlert[] {
    return this.recorder.items.filter(predicate);
  }

  /** The first recorded alert that matches, waiting for one up to `timeoutMs`. */
  waitFor(predicate: AlertPredicate, timeoutMs: number, what = 'a matching notification'): Promise<ReceivedAlert> {
    return this.recorder.waitFor(predicate, timeoutMs, what);
  }

  private record({ path, body, receivedAtMs }: JsonPost): void {
    const payload = body as { receiver: string; alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string> }[] };
    for (const a of payload.alerts) {
      this.recorder.add({ path, receiver: payload.receiver, status: a.status, labels: a.labels, annotations: a.annotations, receivedAtMs });
    }
  }
}
