import { DOWNSTREAM_SYMPTOMS, UPSTREAM_CAUSES, ancestorsOf } from '../../content/pipeline/lineage';
import { AlertmanagerAlert } from './harness/alertmanager';
import { join } from 'path';
import { expectedLinks, ownerReceiver, pipelineAlert, runbookHasSection } from './harness/expectations';
import { LIVE_PIPELINES, UNROUTED_RECEIVER, WATCHDOG_RECEIVER } from './harness/live-configs';
import { NotificationChannels } from './harness/notification-channels';
import { htmlPart, unescapeHtml } from './harness/smtp-sink';
import { liveTools } from './harness/tools';
import { LiveStack } from './harness/stack';
import { sleep, waitFor } from './harness/wait';

/**
 * Pipeline alerts end to end: scenarios go in through the simulator's API,
 * notifications come out at the webhook receiver. Pipeline time moves only
 * by whole-hour fast-forwards (SIM_TIME_SCALE=1), 24 hours in all, so the
 * daily ml_pipeline ends up on its wall-clock schedule again.
 */
const MINUTE = 60_000;
/** Scrape and evaluation (5s each) plus the route's group_wait (30s), with room for a busy machine. */
const NOTIFICATION_WAIT_MS = 2 * MINUTE;
/** A resolved notification waits for the group's next flush: group_interval (5m) after its first notification. */
const RESOLVED_WAIT_MS = 7 * MINUTE;

let stack: LiveStack;

beforeAll(async () => {
  stack = await LiveStack.start({ name: 'alerting' });
  await stack.waitUntilScraping();
}, 3 * MINUTE);

afterAll(async () => stack?.stop(), MINUTE);

describe('GIVEN the live stack monitoring the example pipelines', () => {
  describe('WHEN example_etl fails, datalake_ingest stops running and data_quality (downstream of both) goes stale', () => {
    beforeAll(async () => {
      await stack.simulator.setScenario('example_etl', 'fail');
      await stack.simulator.setScenario('datalake_ingest', 'stale');
      await stack.simulator.setScenario('data_quality', 'stale');
      // Four hours: past every maxStaleness involved (2h, 3h) and four failed example_etl runs.
      await stack.simulator.advanceHours(4);
    });

    test('THEN PipelineRunFailed of example_etl reaches the analytics receiver with its labels and links', async () => {
      const alert = await stack.receiver.waitFor(pipelineAlert('PipelineRunFailed', 'example_etl'), NOTIFICATION_WAIT_MS, 'PipelineRunFailed for example_etl');
      expect(alert.receiver).toBe('team-analytics');
      expect(alert.labels).toMatchObject({ alertname: 'PipelineRunFailed', dag_id: 'example_etl', team: 'analytics', severity: 'critical' });
      expect(alert.annotations).toMatchObject(expectedLinks('PipelineRunFailed', 'pipelineDetail', 'example_etl'));
      expect(alert.annotations.summary).toBe('Pipeline example_etl has a failed run');
      expect(runbookHasSection('PipelineRunFailed')).toBe(true);
    });

    test("THEN that alert, through the stack's Slack, email and PagerDuty receivers and templates, names its pipeline, team and links in each channel", async () => {
      const alert = await stack.receiver.waitFor(pipelineAlert('PipelineRunFailed', 'example_etl'), NOTIFICATION_WAIT_MS, 'PipelineRunFailed for example_etl');
      const { summary, description, dashboard_url: dashboard, runbook_url: runbook } = alert.annotations;
      const channels = await NotificationChannels.start(liveTools().alertmanager, join(stack.dir, 'channels'));
      try {
        const firing = await channels.notify(alert, 'firing');
        const title = '[FIRING:1] PipelineRunFailed - example_etl';
        const line = 'Pipeline: `example_etl` | Team: analytics | Severity: critical';
        expect(JSON.stringify(firing)).not.toContain('<no value>');

        const [attachment] = firing.slack.attachments;
        expect(firing.slack.channel).toBe('#analytics-alerts');
        expect(attachment).toMatchObject({ title, title_link: dashboard });
        expect(attachment.text).toBe(`*${summary}*\n${description}\n${line}\n<${dashboard}|Dashboard> | <${runbook}|Runbook>\n`);

        expect(firing.email.to).toEqual(['analytics-oncall@example.test']);
        expect(firing.email.message).toMatch(new RegExp(`^Subject: ${title.replace(/[[\]]/g, '\\$&')}\r$`, 'm'));
        const html = unescapeHtml(htmlPart(firing.email.message));
        expect(html).toContain(`<h3>${summary}</h3>`);
        expect(html).toContain(`<p>${description}</p>`);
        expect(html).toContain('<p>Pipeline: <code>example_etl</code> | Team: analytics | Severity: critical</p>');
        expect(html).toContain(`<a href="${dashboard}">Dashboard</a> | <a href="${runbook}">Runbook</a>`);

        expect(firing.pagerduty).toMatchObject({ routing_key: channels.routingKey, event_action: 'trigger', payload: { summary: title, severity: 'critical' } });
        expect(firing.pagerduty.payload.custom_details).toMatchObject({ pipeline: 'example_etl', team: 'analytics' });
        expect(firing.pagerduty.payload.custom_details.alerts).toContain(`Runbook: ${runbook}`);
        expect(firing.pagerduty.links).toEqual([{ href: dashboard, text: 'Dashboard' }, { href: runbook, text: 'Runbook' }]);

        const resolved = await channels.notify(alert, 'resolved');
        expect(resolved.slack.attachments[0].title).toBe('[RESOLVED] PipelineRunFailed - example_etl');
        expect(resolved.email.message).toMatch(/^Subject: \[RESOLVED\] PipelineRunFailed - example_etl\r$/m);
        expect(resolved.pagerduty).toMatchObject({ event_action: 'resolve', dedup_key: firing.pagerduty.dedup_key });
        expect(channels.log()).not.toContain(channels.routingKey);
      } finally {
        await channels.stop();
      }
    });

    test('THEN PipelineDataStale of datalake_ingest reaches the data-platform receiver with its labels and links', async () => {
      const alert = await stack.receiver.waitFor(pipelineAlert('PipelineDataStale', 'datalake_ingest'), NOTIFICATION_WAIT_MS, 'PipelineDataStale for datalake_ingest');
      expect(alert.receiver).toBe('team-data-platform');
      expect(alert.labels).toMatchObject({ dag_id: 'datalake_ingest', team: 'data-platform', severity: 'warning' });
      expect(alert.annotations).toMatchObject(expectedLinks('PipelineDataStale', 'slaFreshness', 'datalake_ingest'));
      expect(runbookHasSection('PipelineDataStale')).toBe(true);
    });

    test("THEN data_quality's PipelineDataStale is active in Alertmanager, inhibited by an upstream alert, and never notified", async () => {
      const isDownstreamStale = (a: AlertmanagerAlert) => a.labels.alertname === 'PipelineDataStale' && a.labels.dag_id === 'data_quality';
      const inhibited = await waitFor(
        "Alertmanager holds data_quality's PipelineDataStale as inhibited",
        async () => (await stack.alertmanager.alerts()).find((a) => isDownstreamStale(a) && a.status.inhibitedBy.length > 0),
        { timeoutMs: NOTIFICATION_WAIT_MS, intervalMs: 1000 },
      );
      expect(inhibited.status.state).toBe('suppressed');
      // The inhibiting alerts are upstream causes of data_quality's ancestors, per the lineage rule.
      const all = await stack.alertmanager.alerts();
      const sources = inhibited.status.inhibitedBy.map((fp) => all.find((a) => a.fingerprint === fp)?.labels);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        expect(UPSTREAM_CAUSES).toContain(source?.alertname);
        expect(ancestorsOf('data_quality', LIVE_PIPELINES)).toContain(source?.dag_id);
      }
      expect(DOWNSTREAM_SYMPTOMS).toContain('PipelineDataStale');
      // Past its group_wait (30s) it would have been sent, were it not inhibited.
      await sleep(40_000);
      expect(stack.receiver.received(pipelineAlert('PipelineDataStale', 'data_quality'))).toEqual([]);
    });
  });

  describe("WHEN the pipelines recover and data_quality's checks start failing instead", () => {
    beforeAll(async () => {
      await stack.simulator.recover('example_etl');
      await stack.simulator.recover('datalake_ingest');
      await stack.simulator.setScenario('data_quality', 'dq_drop');
      // 20 more hours: every pipeline runs again, and pipeline time is a whole day ahead of the wall clock.
      await stack.simulator.advanceHours(20);
    });

    test('THEN PipelineDataQualityCheckFailed and PipelineDataCompletenessLow of data_quality reach the analytics receiver', async () => {
      const failed = await stack.receiver.waitFor(pipelineAlert('PipelineDataQualityCheckFailed', 'data_quality'), NOTIFICATION_WAIT_MS, 'PipelineDataQualityCheckFailed');
      expect(failed.labels).toMatchObject({ team: 'analytics', severity: 'warning' });
      expect(['orders_not_null', 'customers_unique']).toContain(failed.labels.check);
      expect(failed.annotations).toMatchObject(expectedLinks('PipelineDataQualityCheckFailed', 'dataQuality', 'data_quality'));
      const incomplete = await stack.receiver.waitFor(pipelineAlert('PipelineDataCompletenessLow', 'data_quality'), NOTIFICATION_WAIT_MS, 'PipelineDataCompletenessLow');
      expect(['warehouse_orders', 'warehouse_customers']).toContain(incomplete.labels.dataset);
      expect(incomplete.annotations).toMatchObject(expectedLinks('PipelineDataCompletenessLow', 'dataQuality', 'data_quality'));
      expect(ownerReceiver('data_quality')).toBe('team-analytics');
    });

    test('THEN a resolved PipelineDataStale of datalake_ingest reaches the data-platform receiver', async () => {
      const resolved = await stack.receiver.waitFor(pipelineAlert('PipelineDataStale', 'datalake_ingest', 'resolved'), RESOLVED_WAIT_MS, 'resolved PipelineDataStale for datalake_ingest');
      const fired = stack.receiver.received(pipelineAlert('PipelineDataStale', 'datalake_ingest'))[0];
      expect(resolved.receivedAtMs).toBeGreaterThan(fired.receivedAtMs);
      expect(resolved.labels).toMatchObject({ team: 'data-platform', severity: 'warning' });
    });
  });

  describe('WHEN minutes pass', () => {
    test('THEN the Watchdog keeps arriving at its own receiver once per repeat_interval (5m), and at no team receiver', async () => {
      const [first, second] = await waitFor('two Watchdog notifications have arrived', async () => stack.watchdogNotifications().length >= 2 && stack.watchdogNotifications(), {
        timeoutMs: 8 * MINUTE,
        intervalMs: 1000,
      });
      const gapMinutes = (second.receivedAtMs - first.receivedAtMs) / MINUTE;
      expect(gapMinutes).toBeGreaterThanOrEqual(4.9);
      expect(gapMinutes).toBeLessThanOrEqual(6.5);
      expect(first.labels).toMatchObject({ severity: 'none', team: 'platform' });
      expect(stack.receiver.received((a) => a.labels.alertname === 'Watchdog' && a.path !== WATCHDOG_RECEIVER)).toEqual([]);
    });

    test('THEN no alert reached the unrouted receiver and the inhibited one never arrived', () => {
      expect(stack.receiver.received((a) => a.path === UNROUTED_RECEIVER)).toEqual([]);
      expect(stack.receiver.received(pipelineAlert('PipelineDataStale', 'data_quality'))).toEqual([]);
    });
  });
});
