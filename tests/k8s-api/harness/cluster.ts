import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { request } from 'https';
import { join } from 'path';
import { freePorts } from '../../live/harness/ports';
import { ManagedProcess } from '../../live/harness/processes';
import { K8sTools } from './tools';

export interface ApiAnswer {
  readonly status: number;
  readonly body: any;
}

/**
 * etcd and kube-apiserver on loopback, in `dir`: a self-signed serving
 * certificate and a random bearer token (static token file, group
 * system:masters) made for this run, nothing else listening beyond 127.0.0.1.
 */
export class LocalApiServer {
  private constructor(
    readonly etcd: ManagedProcess,
    readonly apiserver: ManagedProcess,
    private readonly port: number,
    private readonly token: string,
    private readonly ca: Buffer,
  ) {}

  static async start(tools: K8sTools, dir: string): Promise<LocalApiServer> {
    const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
    const pki = join(dir, 'pki');
    mkdirSync(pki, { mode: 0o700 });
    const file = (name: string) => join(pki, name);
    execFileSync(tools.openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('tls.key'), '-out', file('tls.crt'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
    execFileSync(tools.openssl, ['genrsa', '-out', file('service-accounts.key'), '2048'], { stdio: 'pipe' });
    const token = randomBytes(24).toString('hex');
    writeFileSync(file('tokens.csv'), `${token},pipewatch-test,pipewatch-test,system:masters\n`, { mode: 0o600 });

    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const etcd = new ManagedProcess({
      name: 'etcd',
      command: tools.etcd,
      args: [
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        '--listen-metrics-urls=',
      ],
      logFile: join(dir, 'etcd.log'),
      ready: async () => ((await fetch(`${etcdUrl}/health`).then((r) => r.json()).catch(() => ({}))) as { health?: string }).health === 'true',
    });
    await etcd.start();
    const ca = readFileSync(file('tls.crt'));
    let server: LocalApiServer | undefined;
    const apiserver = new ManagedProcess({
      name: 'kube-apiserver',
      command: tools.kubeApiserver,
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--tls-cert-file=${file('tls.crt')}`,
        `--tls-private-key-file=${file('tls.key')}`,
        `--token-auth-file=${file('tokens.csv')}`,
        `--service-account-key-file=${file('service-accounts.key')}`,
        `--service-account-signing-key-file=${file('service-accounts.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        '--authorization-mode=RBAC',
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        '--service-cluster-ip-range=10.0.0.0/24',
      ],
      logFile: join(dir, 'kube-apiserver.log'),
      ready: async () => (await server!.request('GET', '/readyz').catch(() => ({ status: 0 }))).status === 200,
      readyTimeoutMs: 120_000,
    });
    server = new LocalApiServer(etcd, apiserver, apiPort, token, ca);
    try {
      await apiserver.start();
    } catch (error) {
      await etcd.stop();
      throw error;
    }
    return server;
  }

  /** One HTTPS request with the run's token; the body is sent and read as JSON (or as `contentType`). */
  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, method, path, ca: this.ca, headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // /readyz and friends answer plain text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer within 60s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A kubeconfig for clients of this server (the operator): its address, CA and token. */
  writeKubeconfig(path: string): void {
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: `https://127.0.0.1:${this.port}`, 'certificate-authority-data': this.ca.toString('base64') } }],
      users: [{ name: 'pipewatch-test', user: { token: this.token } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'pipewatch-test' } }],
      'current-context': 'local',
    };
    writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
  }

  async stop(): Promise<void> {
    await this.apiserver.stop();
    await this.etcd.stop();
  }
}
