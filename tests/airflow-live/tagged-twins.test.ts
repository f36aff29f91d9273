/**
 * Airflow 3.1.8 sends several metrics twice: with the dag id, pool or
 * operator in the name, and under a bare name meant to carry tags, which plain
 * StatsD drops. Unmapped, the bare line takes the family's own name without
 * its labels, and statsd_exporter's /metrics answers HTTP 500 from then on
 * (found by `npm run test:airflow`). This runs the real exporter with the
 * stack's mapping and sends the bare lines first, the worst order.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { METRIC_CATALOG } from '../../content/metrics/catalog';
import { getText, sampleSum } from '../live/harness/http';
import { freePorts, freeUdpPort } from '../live/harness/ports';
import { LiveStatsdExporter } from '../live/harness/statsd-exporter';
import { waitFor } from '../live/harness/wait';
import { parseExposition } from '../metrics-app/support/exposition';
import { statsdLineFor } from '../metrics-app/support/statsd-lines';
import { testTool } from '../support/tools';

const STATSD_SUFFIX: Readonly<Record<string, string>> = { counter: '1|c', gauge: '1|g', summary: '1500|ms' };

describe('GIVEN statsd_exporter v0.28.0 with the stack mapping', () => {
  const twinned = METRIC_CATALOG.filter((f) => f.statsd?.taggedTwin);
  let dir: string;
  let exporter: LiveStatsdExporter | undefined;

  beforeAll(async () => {
    const binary = testTool('statsd_exporter');
    dir = mkdtempSync(join(tmpdir(), 'pipewatch-twins-'));
    const [webPort] = await freePorts(1);
    exporter = await LiveStatsdExporter.start(binary, dir, await freeUdpPort(), webPort);
  });

  afterAll(async () => {
    await exporter?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const metrics = () => getText(`http://127.0.0.1:${exporter!.webPort}/metrics`);

  test('WHEN Airflow sends the tagged twins before the named lines THEN the twins are dropped and every family keeps only labelled series', async () => {
    expect(twinned.map((f) => f.name)).toEqual(expect.arrayContaining(['airflow_ti_finish', 'airflow_task_duration', 'airflow_pool_open_slots']));
    await exporter!.send(twinned.map((f) => `${f.statsd!.taggedTwin}:${STATSD_SUFFIX[f.type]}`));
    await waitFor('the twins are dropped', async () => sampleSum(await metrics(), 'statsd_exporter_events_actions_total', (l) => l.includes('action="drop"')) === twinned.length, { timeoutMs: 10_000 });
    await exporter!.send(twinned.map(statsdLineFor));
    await waitFor('the named lines are mapped', async () => sampleSum(await metrics(), 'statsd_exporter_events_actions_total', (l) => l.includes('action="map"')) >= twinned.length, { timeoutMs: 10_000 });

    // getText throws on the HTTP 500 a collision causes.
    const text = await metrics();
    const exposed = parseExposition(text);
    expect(twinned.map((f) => [f.name, exposed.get(f.name)?.labels])).toEqual(twinned.map((f) => [f.name, [...f.labels].sort()]));
    expect(twinned.filter((f) => new RegExp(`^${f.name}(_sum|_count)? `, 'm').test(text)).map((f) => f.name)).toEqual([]);
  });
});
