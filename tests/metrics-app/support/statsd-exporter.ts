import { ChildProcess, spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { freePort } from '../../support/ports';
import { sendStatsdLines } from '../../support/statsd-udp';

/** A statsd_exporter on loopback ports with the given mapping. */
export class StatsdExporter {
  private linesSent = 0;

  private constructor(
    private readonly process: ChildProcess,
    private readonly udpPort: number,
    private readonly webPort: number,
    private readonly dir: string,
  ) {}

  static async start(binary: string, mapping: unknown): Promise<StatsdExporter> {
    const dir = mkdtempSync(join(tmpdir(), 'pipewatch-statsd-'));
    const mappingFile = join(dir, 'mapping.yaml');
    writeFileSync(mappingFile, stringify(mapping));
    const [udpPort, webPort] = [await freePort(), await freePort()];
    const child = spawn(
      binary,
      [
        `--statsd.listen-udp=127.0.0.1:${udpPort}`,
        '--statsd.listen-tcp=',
        `--web.listen-address=127.0.0.1:${webPort}`,
        `--statsd.mapping-config=${mappingFile}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exporter = new StatsdExporter(child, udpPort, webPort, dir);
    await exporter.waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`statsd_exporter exited with ${child.exitCode}: ${stderr}`);
      return (await fetch(exporter.metricsUrl).catch(() => undefined))?.ok === true;
    }, `statsd_exporter did not serve ${exporter.metricsUrl}: ${stderr}`);
    return exporter;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.webPort}/metrics`;
  }

  /** Sends each line as one datagram and waits until the exporter has turned them all into metrics. */
  async send(lines: readonly string[]): Promise<void> {
    await sendStatsdLines(this.udpPort, lines);
    this.linesSent += lines.length;
    await this.waitUntil(async () => eventsHandled(await this.scrape()) >= this.linesSent, `statsd_exporter did not handle all ${this.linesSent} lines`);
  }

  async scrape(): Promise<string> {
    const response = await fetch(this.metricsUrl);
    if (!response.ok) throw new Error(`GET ${this.metricsUrl}: ${response.status}`);
    return response.text();
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((done) => this.process.once('exit', done));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntil(condition: () => Promise<boolean>, failure: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(failure);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Events leave the exporter's queue in batches (every 200 ms by default); this counts the handled ones. */
function eventsHandled(exposition: string): number {
  // A dropped line is counted only among the actions, not in events_total.
  const counted = /^statsd_exporter_events_total\{[^}]*\} (\S+)$|^statsd_exporter_events_actions_total\{action="drop"\} (\S+)$/gm;
  return [...exposition.matchAll(counted)].reduce((sum, m) => sum + Number(m[1] ?? m[2]), 0);
}
