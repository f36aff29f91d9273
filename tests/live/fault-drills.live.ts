import { sampleSum } from './harness/http';
import { pipelineAlert } from './harness/expectations';
import { teamReceiverName } from './harness/live-configs';
import { PrometheusAlert } from './harness/prometheus';
import { LiveStack } from './harness/stack';
import { sleep, waitFor } from './harness/wait';
import { alertMatching } from './harness/webhook-receiver';

/**
 * Fault drills on one live stack, in an order that keeps them independent:
 * Prometheus restarts first (a restart re-arms the `for` of pending alerts),
 * the receiver outage starts AlertmanagerNotificationsFailing's 5-minute
 * `for`, and the other drills run while it elapses.
 */
const MINUTE = 60_000;
const PLATFORM = teamReceiverName('platform');

let stack: LiveStack;

beforeAll(async () => {
  stack = await LiveStack.start({ name: 'drills' });
  await stack.waitUntilScraping();
}, 3 * MINUTE);

afterAll(async () => stack?.stop(), MINUTE);

/**
 * Webhook counters of Alertmanager: each failed request, and each
 * notification given up after retrying until its group's group_interval
 * (the one AlertmanagerNotificationsFailing counts).
 */
async function webhookFailures(): Promise<{ requests: number; notifications: number }> {
  const metrics = await stack.alertmanager.metrics();
  const webhook = (labels: string) => labels.includes('integration="webhook"');
  return {
    requests: sampleSum(metrics, 'alertmanager_notification_requests_failed_total', webhook),
    notifications: sampleSum(metrics, 'alertmanager_notifications_failed_total', webhook),
  };
}

async function prometheusAlert(alertname: string): Promise<PrometheusAlert | undefined> {
  return (await stack.prometheus.alerts()).find((a) => a.labels.alertname === alertname);
}

describe('GIVEN Prometheus with its TSDB on disk', () => {
  test('WHEN it restarts THEN a series scraped before the restart still has its samples', async () => {
    const expr = 'pipewatch_pipeline_last_success_timestamp_seconds{dag_id="example_etl"}';
    const before = await waitFor('a sample of example_etl is stored', async () => (await stack.prometheus.query(expr)).at(0), { timeoutMs: 30_000 });
    const atSeconds = Date.now() / 1000;
    const [stored] = await stack.prometheus.query(expr, atSeconds);
    await stack.prometheus.process.restart();
    const [afterRestart] = await stack.prometheus.query(expr, atSeconds);
    expect(afterRestart).toEqual(stored);
    expect(stored.value).toBe(before.value);
  });
});

describe('GIVEN the webhook receiver is down', () => {
  let failedBefore: { requests: number; notifications: number };

  beforeAll(async () => {
    await stack.waitUntilScraping();
    failedBefore = await webhookFailures();
    await stack.receiver.stop();
    await stack.simulator.setScenario('data_quality', 'fail');
    // Two hours always hold a complete failed run of the hourly data_quality (three tries, five minutes apart).
    await stack.simulator.advanceHours(2);
  });

  test('WHEN a pipeline fails THEN webhook requests fail, Alertmanager gives up on a notification and AlertmanagerNotificationsFailing turns pending', async () => {
    await waitFor('a webhook request fails', async () => (await webhookFailures()).requests > failedBefore.requests, { timeoutMs: 2 * MINUTE, intervalMs: 1000 });
    // The Watchdog's route (group_interval 1m) gives up first; the pipeline's keeps retrying for 5m.
    await waitFor('Alertmanager counts a failed notification', async () => (await webhookFailures()).notifications > failedBefore.notifications, { timeoutMs: 3 * MINUTE, intervalMs: 1000 });
    const pending = await waitFor('AlertmanagerNotificationsFailing is pending', async () => prometheusAlert('AlertmanagerNotificationsFailing'), { timeoutMs: MINUTE, intervalMs: 1000 });
    expect(pending.labels).toMatchObject({ integration: 'webhook', severity: 'critical', team: 'platform' });
    expect(stack.receiver.received(pipelineAlert('PipelineRunFailed', 'data_quality'))).toEqual([]);
  });

  test('WHEN it comes back THEN the notifications of the outage arrive: nothing is lost', async () => {
    await stack.receiver.resume();
    // Still being retried within its group_interval (5m).
    const alert = await stack.receiver.waitFor(pipelineAlert('PipelineRunFailed', 'data_quality'), 2 * MINUTE, 'PipelineRunFailed for data_quality after the outage');
    expect(alert.labels).toMatchObject({ team: 'analytics', severity: 'critical' });
    // Given up during the outage, so not in the notification log: sent again at its group's next flush (1m).
    await stack.receiver.waitFor(alertMatching({ receiver: 'watchdog', labels: { alertname: 'Watchdog' } }), 2 * MINUTE, 'Watchdog after the outage');
  });
});

describe('GIVEN Alertmanager with its data directory on disk and a notification already sent', () => {
  test('WHEN it restarts THEN its silence is kept and its notification log stops it from notifying the same alerts again', async () => {
    await stack.receiver.waitFor(alertMatching({ receiver: 'watchdog', labels: { alertname: 'Watchdog' } }), 2 * MINUTE, 'first Watchdog notification');
    const silenceId = await stack.alertmanager.createSilence([{ name: 'alertname', value: 'PipelineDurationRegression', isRegex: false, isEqual: true }], 'live drill: kept across restarts', 60 * MINUTE);
    const notifiedBefore = stack.receiver.alerts.length;

    await stack.alertmanager.process.restart();
    const restartedAt = Date.now();

    const silence = (await stack.alertmanager.silences()).find((s) => s.id === silenceId);
    expect(silence?.status.state).toBe('active');
    expect(silence?.comment).toBe('live drill: kept across restarts');
    // Alertmanager keeps no alerts across a restart: Prometheus re-sends the firing ones within its resend delay (1m).
    await waitFor(
      'Prometheus has re-sent the Watchdog and the failed run',
      async () => {
        const names = (await stack.alertmanager.alerts()).map((a) => `${a.labels.alertname}/${a.labels.dag_id ?? ''}`);
        return names.includes('Watchdog/') && names.includes('PipelineRunFailed/data_quality');
      },
      { timeoutMs: 2 * MINUTE, intervalMs: 1000 },
    );
    // The groups flush again (Watchdog at once, the pipeline's after group_wait 30s); the log says both were sent already.
    await sleep(40_000);
    const sinceRestart = stack.receiver.alerts.slice(notifiedBefore).filter((a) => a.receivedAtMs >= restartedAt);
    expect(sinceRestart.filter((a) => a.labels.alertname === 'Watchdog' || (a.labels.alertname === 'PipelineRunFailed' && a.labels.dag_id === 'data_quality'))).toEqual([]);
  });
});

describe('GIVEN the simulator keeps its run history in PostgreSQL', () => {
  test('WHEN PostgreSQL stops THEN /metrics keeps serving, runs are buffered and PostgresDown reaches the platform receiver', async () => {
    await waitFor('the run history is written', async () => (await stack.postgres.historyRows()) === (await stack.simulator.finishedRuns()), { timeoutMs: MINUTE });
    await stack.postgres.stop();
    const finishedBefore = await stack.simulator.finishedRuns();
    await stack.simulator.advanceHours(2);
    const metrics = await stack.simulator.metrics();
    expect((await stack.simulator.finishedRuns()) - finishedBefore).toBeGreaterThan(0);
    expect(sampleSum(metrics, 'pipewatch_simulator_history_buffered_rows')).toBeGreaterThan(0);
    const alert = await stack.receiver.waitFor(alertMatching({ receiver: PLATFORM, status: 'firing', labels: { alertname: 'PostgresDown' } }), 3 * MINUTE, 'PostgresDown');
    expect(alert.labels).toMatchObject({ severity: 'critical', team: 'platform' });
  });

  test('WHEN PostgreSQL is back THEN the buffered runs are written: every finished run has its row', async () => {
    await stack.postgres.resume();
    await waitFor('the buffer is empty', async () => sampleSum(await stack.simulator.metrics(), 'pipewatch_simulator_history_buffered_rows') === 0, { timeoutMs: 2 * MINUTE, intervalMs: 1000 });
    expect(await stack.postgres.historyRows()).toBe(await stack.simulator.finishedRuns());
    expect(sampleSum(await stack.simulator.metrics(), 'pipewatch_simulator_history_dropped_rows_total')).toBe(0);
  });
});

describe('GIVEN webhook notifications failed during the outage', () => {
  test("WHEN the rule's `for` (5m) has passed THEN AlertmanagerNotificationsFailing fires and reaches the platform receiver", async () => {
    const alert = await stack.receiver.waitFor(
      alertMatching({ receiver: PLATFORM, status: 'firing', labels: { alertname: 'AlertmanagerNotificationsFailing', integration: 'webhook' } }),
      8 * MINUTE,
      'AlertmanagerNotificationsFailing',
    );
    expect(alert.labels).toMatchObject({ severity: 'critical', team: 'platform' });
    expect((await prometheusAlert('AlertmanagerNotificationsFailing'))?.state).toBe('firing');
  });
});
