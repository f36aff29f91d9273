import { createServer, Server } from 'http';
import { AddressInfo } from 'net';

/** One JSON request body that arrived, with its path and arrival time. */
export interface JsonPost {
  /** Request path without the leading `/`. */
  readonly path: string;
  readonly body: any;
  /** Wall-clock ms at which the request arrived. */
  readonly receivedAtMs: number;
}

/**
 * An HTTP server on 127.0.0.1 that hands every JSON request to `onPost` and
 * answers 200 `ok`, as Slack's incoming webhooks do (Alertmanager's Slack
 * notifier counts any other body as an error); 400 for a body that is not
 * JSON. It can be taken down and brought back on the same port.
 */
export class HttpSink {
  private server: Server | undefined;
  private port = 0;

  private constructor(private readonly onPost: (post: JsonPost) => void) {}

  static async start(onPost: (post: JsonPost) => void, port = 0): Promise<HttpSink> {
    const sink = new HttpSink(onPost);
    await sink.listen(port);
    return sink;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Closes the port and every open connection: requests are refused until `resume`. */
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

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const receivedAtMs = Date.now();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          this.onPost({ path: (req.url ?? '/').replace(/^\//, ''), body: JSON.parse(Buffer.concat(chunks).toString('utf8')), receivedAtMs });
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
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
}
