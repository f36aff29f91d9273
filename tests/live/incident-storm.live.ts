import { join } from 'path';
import { Duration } from '../../content/duration';
import { renderAlertmanagerConfig } from '../../content/alertmanager/routing';
import { Receiver, receiverSecrets } from '../../content/alertmanager/receivers';
import { lineageInhibitRules } from '../../content/pipeline/lineage';
import { PipelineSpec } from '../../content/pipeline/spec';
import { toYaml } from '../../content/yaml';
import { syntheticCatalog } from '../support/synthetic-catalog';
import { AlertmanagerAlert, alertmanagerProcess } from './harness/alertmanager';
import { getJson, sendJson } from './harness/http';
import { HttpSink, JsonPost } from './harness/http-sink';
import { relocateSecretFiles } from './harness/live-configs';
import { freePort } from './harness/ports';
import { ManagedProcess } from './harness/processes';
import { liveTools } from './harness/tools';
import { makeTempDir, removeDir } from './harness/workspace';

/**
 * An incident storm through the stack's real Alertmanager configuration:
 * a shared ingest pipeline fails and the 499 pipelines that read from it
 * (four teams) all go stale and miss their deadlines at once. Lineage
 * inhibition and grouping must turn that into a handful of notifications,
 * counted here per team receiver (one webhook post is one notification).
 */
const ROOT = 'shared_ingest';
const TEAMS = ['data-platform', 'analytics', 'ml', 'finance'];
/** Short timers, so the storm's notifications are all out within seconds; the routing is the stack's. */
const TIMING = {
  groupWait: Duration.seconds(2),
  groupInterval: Duration.seconds(10),
  repeatInterval: Duration.hours(4),
  watchdogGroupInterval: Duration.minutes(1),
  watchdogRepeatInterval: Duration.minutes(5),
};
/** The most notifications a team may get for this storm: the root's own three alerts, to its owner. */
const MAX_NOTIFICATIONS_PER_TEAM = 3;

const downstream: PipelineSpec[] = syntheticCatalog(499).map((spec) => ({ ...spec, upstream: [ROOT] }));
const root: PipelineSpec = { ...syntheticCatalog(1)[0], dagId: ROOT, ownerTeam: 'data-platform', upstream: undefined };
const catalog = [root, ...downstream];

const receivers: Receiver[] = [...TEAMS.map((team) => `team-${team}`), 'unrouted'].map((name) => ({ kind: 'webhook', name }));

function alert(alertname: string, spec: PipelineSpec, severity: string) {
  return { labels: { alertname, dag_id: spec.dagId, team: spec.ownerTeam, severity }, annotations: { summary: `${alertname} ${spec.dagId}` } };
}

let dir: string;
let sink: HttpSink;
let alertmanager: ManagedProcess;
let url: string;
const posts: JsonPost[] = [];

beforeAll(async () => {
  dir = makeTempDir('storm');
  sink = await HttpSink.start((post) => posts.push(post));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  alertmanager = alertmanagerProcess('alertmanager', liveTools().alertmanager, join(dir, 'alertmanager'), port, (secretsDir, templatesDir) => {
    const config = renderAlertmanagerConfig(
      {
        receivers,
        teamRoutes: TEAMS.map((team) => ({ team, receiver: `team-${team}` })),
        inhibitRules: lineageInhibitRules(catalog),
        defaultReceiver: 'unrouted',
        templatesDir,
        timing: TIMING,
      },
      'storm',
    );
    const secrets = Object.fromEntries(receivers.map((r) => [receiverSecrets(r)[0], `${sink.baseUrl}/${r.name}\n`]));
    return { config: toYaml(relocateSecretFiles(config, secretsDir)), secrets };
  });
  await alertmanager.start();
}, 60_000);

afterAll(async () => {
  await alertmanager?.stop();
  await sink?.stop();
  if (dir) removeDir(dir);
});

describe('GIVEN the stack\'s Alertmanager routing and the lineage of 500 pipelines that all read from shared_ingest', () => {
  describe('WHEN shared_ingest fails and all 500 pipelines go stale and miss their deadlines at once', () => {
    let held: AlertmanagerAlert[];

    beforeAll(async () => {
      const storm = [
        alert('PipelineRunFailed', root, 'critical'),
        ...catalog.flatMap((spec) => [alert('PipelineDataStale', spec, 'warning'), alert('PipelineDeadlineMissed', spec, 'critical')]),
      ];
      await sendJson('POST', `${url}/api/v2/alerts`, storm);
      // group_wait (2s) for every group, plus room for a busy machine; then one group_interval more for stragglers.
      await new Promise((resolve) => setTimeout(resolve, 25_000));
      held = await getJson(`${url}/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true`);
    }, 60_000);

    test('THEN Alertmanager holds all 1,001 alerts, none lost', () => {
      expect(held).toHaveLength(1 + 2 * catalog.length);
    });

    test("THEN every downstream pipeline's stale and deadline alert is inhibited by shared_ingest's failure", () => {
      const symptoms = held.filter((a) => a.labels.dag_id !== ROOT);
      expect(symptoms).toHaveLength(2 * downstream.length);
      expect(symptoms.filter((a) => a.status.state !== 'suppressed' || a.status.inhibitedBy.length === 0).map((a) => `${a.labels.alertname} ${a.labels.dag_id}`)).toEqual([]);
    });

    test(`THEN each team gets at most ${MAX_NOTIFICATIONS_PER_TEAM} notifications, only shared_ingest's owner any, and nothing goes unrouted`, () => {
      const perTeam = Object.fromEntries([...TEAMS.map((t) => `team-${t}`), 'unrouted'].map((r) => [r, posts.filter((p) => p.path === r).length]));
      console.log(`notifications per receiver for a 500-pipeline storm: ${JSON.stringify(perTeam)}`);
      expect(perTeam).toEqual({ 'team-data-platform': expect.any(Number), 'team-analytics': 0, 'team-ml': 0, 'team-finance': 0, unrouted: 0 });
      expect(perTeam['team-data-platform']).toBeGreaterThanOrEqual(1);
      expect(perTeam['team-data-platform']).toBeLessThanOrEqual(MAX_NOTIFICATIONS_PER_TEAM);
    });
  });
});
