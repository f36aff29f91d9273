import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { randomBytes } from 'crypto';
import { renderPrometheusConfig } from '../../content/prometheus/config';
import { RemoteWrite } from '../../content/prometheus/remote-write';
import { toYaml } from '../../content/yaml';
import { BearerAuthProxy } from './harness/auth-proxy';
import { getText, sampleSum } from './harness/http';
import { freePorts } from './harness/ports';
import { instantQuery, LivePrometheus, rawSampleTimes } from './harness/prometheus';
import { liveTools } from './harness/tools';
import { sleep, waitFor } from './harness/wait';
import { makeTempDir, removeDir } from './harness/workspace';

/**
 * remote_write as the stack renders it (content/prometheus/remote-write.ts),
 * from a sending Prometheus to a second Prometheus with its remote-write
 * receiver on, behind a proxy that demands the bearer token the sender reads
 * from its credentials file.
 */
const SECOND = 1000;
const SCRAPE_SECONDS = 2;
const OUTAGE_MS = 75 * SECOND;
/** The series compared: the sender's scrape of itself, one sample per scrape. */
const SERIES = 'up{job="self"}';
const pass = (line: string) => process.stdout.write(`PASS ${line}\n`);

let dir: string;
let sender: LivePrometheus;
let receiver: LivePrometheus;
let proxy: BearerAuthProxy;

beforeAll(async () => {
  const tools = liveTools();
  dir = makeTempDir('remote-write');
  const [senderPort, receiverPort] = await freePorts(2);
  const token = randomBytes(24).toString('hex');
  proxy = await BearerAuthProxy.start(token, receiverPort);
  const secretsDir = join(dir, 'secrets');
  mkdirSync(secretsDir, { mode: 0o700 });
  writeFileSync(join(secretsDir, 'remote_write_longterm_token'), token, { mode: 0o600 });
  const destination: RemoteWrite = { name: 'longterm', url: `${proxy.url}/api/v1/write`, auth: { kind: 'bearer' } };
  const config = (scrapeJobs: { job: string; targets: string[] }[], remoteWrite: RemoteWrite[]) => () =>
    toYaml(renderPrometheusConfig({ scrapeIntervalSeconds: SCRAPE_SECONDS, evaluationIntervalSeconds: 15, externalLabels: { environment: 'live' }, alertmanagers: [], ruleFiles: [], scrapeJobs, remoteWrite, secretsDir }));
  const subdir = (name: string) => {
    mkdirSync(join(dir, name));
    return join(dir, name);
  };
  receiver = await LivePrometheus.start({ binary: tools.prometheus, dir: subdir('receiver'), port: receiverPort, config: config([], []), ruleFiles: [], extraArgs: ['--web.enable-remote-write-receiver'] });
  sender = await LivePrometheus.start({ binary: tools.prometheus, dir: subdir('sender'), port: senderPort, config: config([{ job: 'self', targets: [`127.0.0.1:${senderPort}`] }], [destination]), ruleFiles: [] });
}, 2 * 60 * SECOND);

afterAll(async () => {
  await Promise.allSettled([sender?.process.stop(), receiver?.process.stop(), proxy?.stop()]);
  if (dir && process.env.PIPEWATCH_LIVE_KEEP !== '1') removeDir(dir);
}, 60 * SECOND);

/** The sender's remote-storage counters for the destination. */
async function senderQueue(): Promise<{ failed: number; retried: number }> {
  const metrics = await getText(`${sender.url}/metrics`);
  const ours = (labels: string) => labels.includes('remote_name="longterm"');
  return { failed: sampleSum(metrics, 'prometheus_remote_storage_samples_failed_total', ours), retried: sampleSum(metrics, 'prometheus_remote_storage_samples_retried_total', ours) };
}

describe('GIVEN a Prometheus that remote-writes with a bearer token from its credentials file', () => {
  test('WHEN it scrapes THEN its samples arrive at the receiver, with the external labels and the token', async () => {
    const arrived = await waitFor('the receiver holds the sender\'s series', async () => (await instantQuery(receiver.url, SERIES)).at(0), { timeoutMs: 60 * SECOND, intervalMs: SECOND });
    expect(arrived.metric).toMatchObject({ job: 'self', environment: 'live' });
    expect(arrived.value).toBe(1);
    expect(proxy.authorized).toBeGreaterThan(0);
    expect(proxy.rejected).toBe(0);
    pass(`remote_write delivery: ${SERIES} arrived at the receiver through ${proxy.authorized} authorized requests, 0 rejected`);
  });
});

describe('GIVEN the receiver goes down for 75s and comes back on the same port', () => {
  test('THEN after recovery the receiver holds every sample the sender took across the outage: no gap', async () => {
    const windowStart = Date.now() - 20 * SECOND;
    await receiver.process.stop();
    const stoppedAt = Date.now();
    await sleep(OUTAGE_MS);
    const during = await senderQueue();
    expect(proxy.unavailable).toBeGreaterThan(0);
    expect(during.retried).toBeGreaterThan(0);
    await receiver.process.start();
    const resumedAt = Date.now();

    // The queue resends from the WAL with at most max_backoff (5s) between tries.
    await waitFor(
      'the receiver has caught up to the restart',
      async () => {
        const times = await rawSampleTimes(receiver.url, SERIES, 10, Date.now() / 1000);
        return times.some((t) => t >= resumedAt);
      },
      { timeoutMs: 90 * SECOND, intervalMs: SECOND },
    );
    const atSeconds = resumedAt / 1000;
    const rangeSeconds = Math.ceil((resumedAt - windowStart) / SECOND);
    const [sent, received] = await Promise.all([rawSampleTimes(sender.url, SERIES, rangeSeconds, atSeconds), rawSampleTimes(receiver.url, SERIES, rangeSeconds, atSeconds)]);

    const outageSamples = sent.filter((t) => t > stoppedAt && t < resumedAt).length;
    // 75s at one sample per 2s: about 37 taken while the receiver was down.
    expect(outageSamples).toBeGreaterThanOrEqual(30);
    expect(received).toEqual(sent);
    const widestGapMs = Math.max(...received.slice(1).map((t, i) => t - received[i]));
    expect(widestGapMs).toBeLessThan(2 * SCRAPE_SECONDS * SECOND);
    expect((await senderQueue()).failed).toBe(0);
    pass(
      `remote_write outage drill: receiver down ${Math.round((resumedAt - stoppedAt) / SECOND)}s, ${during.retried} samples retried, ` +
        `${received.length}/${sent.length} samples of ${SERIES} over ${rangeSeconds}s received (${outageSamples} taken during the outage), widest gap ${widestGapMs}ms, 0 failed`,
    );
  });
});
