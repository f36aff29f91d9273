import { createServer, IncomingMessage, request, Server } from 'http';
import { AddressInfo } from 'net';

/**
 * An HTTP front of a remote-write receiver that demands a bearer token, as a
 * hosted store does (Prometheus's own receiver has no authentication). It
 * forwards authorized requests unchanged and answers 503 while the receiver is
 * down, which Prometheus treats as retryable.
 */
export class BearerAuthProxy {
  authorized = 0;
  rejected = 0;
  unavailable = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(token: string, upstreamPort: number): Promise<BearerAuthProxy> {
    let proxy: BearerAuthProxy | undefined;
    const server = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${token}`) {
        proxy!.rejected++;
        req.resume();
        res.writeHead(401).end('bad or missing bearer token');
        return;
      }
      proxy!.authorized++;
      const upstream = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: forwardedHeaders(req) }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => {
        proxy!.unavailable++;
        if (!res.headersSent) res.writeHead(503).end('receiver unavailable');
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new BearerAuthProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const { authorization: _dropped, host: _host, ...rest } = req.headers;
  return rest as Record<string, string | string[]>;
}
