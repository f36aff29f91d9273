/**
 * Airflow 3.1.8 sends many measurements twice: once with the dag id (or pool,
 * operator, host) inside the name, once under a bare name with tags. The
 * mapping reads one of the two and drops the other (StatsdMatch.duplicate):
 * counted twice, a dotted dag id would split into a family of its own, and a
 * bare line under the family's own name without its labels makes
 * statsd_exporter's /metrics answer HTTP 500 (found by `npm run test:airflow`).
 * This runs the real exporter with the stack's mapping and sends the dropped
 * lines first, the worst order.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { METRIC_CATALOG, MetricFamily } from '../../content/metrics/catalog';
import { getText, sampleSum } from '../live/harness/http';
import { freePorts, freeUdpPort } from '../live/harness/ports';
import { LiveStatsdExporter } from '../live/harness/statsd-exporter';
import { waitFor } from '../live/harness/wait';
import { parseExposition } from '../metrics-app/support/exposition';
import { statsdLineFor } from '../metrics-app/support/statsd-lines';
import { testTool } from '../support/tools';

/** A line the drop rule matches, with a dotted id where the regex takes any name part, and the family line's tags. */
function duplicateLineFor(f: MetricFamily): string {
  const { match, matchType } = f.statsd!.duplicate!;
  const name = matchType === 'regex' ? match.replace(/^\^|\$$/g, '').replace(/\.\+/g, 'team.pipeline').replace(/\\\./g, '.') : match;
  if (matchType === 'regex' && !new RegExp(match).test(name)) throw new Error(`${f.name}: cannot derive a line for ${match}; got ${name}`);
  const line = statsdLineFor(f);
  const tags = line.indexOf(',');
  return `${name}${line.slice(tags >= 0 ? tags : line.indexOf(':'))}`;
}

describe('GIVEN statsd_exporter with the stack mapping', () => {
  const doubled = METRIC_CATALOG.filter((f) => f.statsd?.duplicate);
  let dir: string;
  let exporter: LiveStatsdExporter | undefined;

  beforeAll(async () => {
    const binary = testTool('statsd_exporter');
    dir = mkdtempSync(join(tmpdir(), 'pipewatch-duplicates-'));
    const [webPort] = await freePorts(1);
    exporter = await LiveStatsdExporter.start(binary, dir, await freeUdpPort(), webPort);
  });

  afterAll(async () => {
    await exporter?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const metrics = () => getText(`http://127.0.0.1:${exporter!.webPort}/metrics`);

  test('WHEN Airflow sends the other line of each measurement before the mapped one THEN the other lines are dropped and every family has one series with its own labels', async () => {
    expect(doubled.map((f) => f.name)).toEqual(
      expect.arrayContaining(['airflow_dagrun_duration', 'airflow_ti_finish', 'airflow_task_duration', 'airflow_operator_successes', 'airflow_pool_open_slots']),
    );
    await exporter!.send(doubled.map(duplicateLineFor));
    await waitFor('the other lines are dropped', async () => sampleSum(await metrics(), 'statsd_exporter_events_actions_total', (l) => l.includes('action="drop"')) === doubled.length, { timeoutMs: 10_000 });
    await exporter!.send(doubled.map(statsdLineFor));
    await waitFor('the mapped lines arrive', async () => sampleSum(await metrics(), 'statsd_exporter_events_actions_total', (l) => l.includes('action="map"')) >= doubled.length, { timeoutMs: 10_000 });

    // getText throws on the HTTP 500 a collision causes.
    const text = await metrics();
    const exposed = parseExposition(text);
    expect(doubled.map((f) => [f.name, exposed.get(f.name)?.labels, exposed.get(f.name)?.samples])).toEqual(
      doubled.map((f) => [f.name, [...f.labels].sort(), f.type === 'summary' ? 5 : 1]),
    );
    // Nothing of the dropped lines under statsd_exporter's default names.
    expect(text.split('\n').filter((l) => /team_pipeline|^airflow_\w+_v\d/.test(l))).toEqual([]);
  });
});
