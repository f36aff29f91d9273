import { NotificationTiming } from '../../content/alertmanager/routing';
import { Duration } from '../../content/duration';
import { sampleSum } from './harness/http';
import { pipelineAlert } from './harness/expectations';
import { teamReceiverName, WATCHDOG_RECEIVER } from './harness/live-configs';
import { PrometheusAlert } from './harness/prometheus';
import { LiveStack } from './harness/stack';
import { sleep, waitFor } from './harness/wait';
import { alertMatching, ReceivedAlert } from './harness/webhook-receiver';

/**
 * Fault drills on one live stack. Every wait is bounded by a timer this file
 * sets, never by a guess about the stack's own timers:
 *
 * - Alertmanager runs on DRILL_TIMING: a notification given up during an
 *   outage is counted after one group_interval (1m) of retries, held
 *   notifications go out at the next flush, and the Watchdog repeats every 2m.
 * - Prometheus re-sends firing alerts every 15s, so a restarted Alertmanager
 *   holds them again within seconds.
 *
 * The drills run in order on purpose: Prometheus restarts first (a restart
 * re-arms the `for` of pending alerts); the receiver outage starts
 * AlertmanagerNotificationsFailing's 5-minute `for`, and the other drills run
 * while it elapses. Each drill states the leftovers it depends on.
 */
const MINUTE = 60_000;
const SECOND = 1000;
const PLATFORM = teamReceiverName('platform');
const DRILL_TIMING: NotificationTiming = {
  groupWait: Duration.seconds(10),
  groupInterval: Duration.minutes(1),
  repeatInterval: Duration.hours(4),
  watchdogGroupInterval: Duration.seconds(30),
  watchdogRepeatInterval: Duration.minutes(2),
};
const RESEND_DELAY_SECONDS = 15;
const ms = (d: Duration) => d.toSeconds() * SECOND;
/** Room for a scrape, an evaluation and a busy two-core machine on top of a timer. */
const SLACK_MS = 45 * SECOND;
/** AlertmanagerNotificationsFailing's `for` (content/rules/platform-rules.ts). */
const NOTIFICATIONS_FAILING_FOR_MS = 5 * MINUTE;

let stack: LiveStack;

beforeAll(async () => {
  stack = await LiveStack.start({ name: 'drills', notificationTiming: DRILL_TIMING, alertResendDelaySeconds: RESEND_DELAY_SECONDS });
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

const isWatchdog = alertMatching({ receiver: WATCHDOG_RECEIVER, labels: { alertname: 'Watchdog' } });

/** The next Watchdog notification that arrives after `afterMs`. */
function nextWatchdog(afterMs: number, what: string): Promise<ReceivedAlert> {
  return stack.receiver.waitFor((a) => isWatchdog(a) && a.receivedAtMs > afterMs, ms(DRILL_TIMING.watchdogRepeatInterval) + ms(DRILL_TIMING.watchdogGroupInterval) + SLACK_MS, what);
}

describe('GIVEN Prometheus with its TSDB on disk', () => {
  test('WHEN it restarts THEN a series scraped before the restart still has its samples', async () => {
    const expr = 'pipewatch_dag_last_success_interval_end_seconds{dag_id="example_etl"}';
    const before = await waitFor('a sample of example_etl is stored', async () => (await stack.prometheus.query(expr)).at(0), { timeoutMs: 30_000 });
    const atSeconds = Date.now() / 1000;
    const [stored] = await stack.prometheus.query(expr, atSeconds);
    await stack.prometheus.process.restart();
    const [afterRestart] = await stack.prometheus.query(expr, atSeconds);
    expect(afterRestart).toEqual(stored);
    expect(stored.value).toBe(before.value);
  });
});

/** When the first given-up notification was counted: AlertmanagerNotificationsFailing's `for` runs from then. */
let firstGivenUpAtMs = 0;

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
    // PipelineRunFailed fires within a scrape and an evaluation, its group waits group_wait, then retries for one group_interval.
    const givenUpWithinMs = ms(DRILL_TIMING.groupWait) + ms(DRILL_TIMING.groupInterval) + SLACK_MS;
    await waitFor('a webhook request fails', async () => (await webhookFailures()).requests > failedBefore.requests, { timeoutMs: givenUpWithinMs, intervalMs: SECOND });
    await waitFor('Alertmanager counts a given-up notification', async () => (await webhookFailures()).notifications > failedBefore.notifications, {
      timeoutMs: givenUpWithinMs,
      intervalMs: SECOND,
    });
    firstGivenUpAtMs = Date.now();
    const pending = await waitFor('AlertmanagerNotificationsFailing is pending', async () => prometheusAlert('AlertmanagerNotificationsFailing'), { timeoutMs: SLACK_MS, intervalMs: SECOND });
    expect(pending.labels).toMatchObject({ integration: 'webhook', severity: 'critical', team: 'platform' });
    expect(stack.receiver.received(pipelineAlert('PipelineRunFailed', 'data_quality'))).toEqual([]);
  });

  test('WHEN it comes back THEN the notifications held during the outage arrive: nothing is lost', async () => {
    const resumedAt = Date.now();
    await stack.receiver.resume();
    // Given up or still retrying: sent at the group's next flush, one group_interval at most.
    const alert = await stack.receiver.waitFor(pipelineAlert('PipelineRunFailed', 'data_quality'), ms(DRILL_TIMING.groupInterval) + SLACK_MS, 'PipelineRunFailed for data_quality after the outage');
    expect(alert.labels).toMatchObject({ team: 'analytics', severity: 'critical' });
    // The Watchdog's failed repeat is not in the notification log, so it goes out at its first flush once its repeat is due.
    await nextWatchdog(resumedAt, 'Watchdog after the outage');
  });
});

describe('GIVEN Alertmanager with its data directory on disk and notifications already sent', () => {
  /**
   * Covers the alerts whose last notification is younger than their
   * repeat_interval: PipelineRunFailed of data_quality (sent after the outage,
   * repeat 4h) and the Watchdog (sent just before the restart, repeat 2m).
   * A Watchdog arriving once its repeat_interval has passed since the last one
   * is its normal heartbeat, not a duplicate; one arriving sooner is.
   */
  test('WHEN it restarts THEN its silence is kept and its notification log stops it from notifying the same alerts again', async () => {
    // Restart right after a Watchdog, so its next repeat is a whole repeat_interval away.
    const lastWatchdog = await nextWatchdog(Date.now(), 'a Watchdog right before the restart');
    const silenceId = await stack.alertmanager.createSilence([{ name: 'alertname', value: 'PipelineDurationRegression', isRegex: false, isEqual: true }], 'live drill: kept across restarts', 60 * MINUTE);

    await stack.alertmanager.process.restart();
    const restartedAt = Date.now();

    const silence = (await stack.alertmanager.silences()).find((s) => s.id === silenceId);
    expect(silence?.status.state).toBe('active');
    expect(silence?.comment).toBe('live drill: kept across restarts');
    // Alertmanager keeps no alerts across a restart: Prometheus re-sends the firing ones every RESEND_DELAY_SECONDS.
    await waitFor(
      'Prometheus has re-sent the Watchdog and the failed run',
      async () => {
        const names = (await stack.alertmanager.alerts()).map((a) => `${a.labels.alertname}/${a.labels.dag_id ?? ''}`);
        return names.includes('Watchdog/') && names.includes('PipelineRunFailed/data_quality');
      },
      { timeoutMs: RESEND_DELAY_SECONDS * SECOND + SLACK_MS, intervalMs: SECOND },
    );
    // The new groups flush after their group_wait (the Watchdog's is 0s) and ask the notification log first.
    await waitFor('the notification log was consulted', async () => sampleSum(await stack.alertmanager.metrics(), 'alertmanager_nflog_queries_total') >= 2, {
      timeoutMs: ms(DRILL_TIMING.groupWait) + SLACK_MS,
      intervalMs: SECOND,
    });
    await sleep(ms(DRILL_TIMING.groupWait) + 5 * SECOND);
    const checkedUntil = Date.now();
    const watchdogDue = lastWatchdog.receivedAtMs + ms(DRILL_TIMING.watchdogRepeatInterval);
    // The check ends before the Watchdog's next repeat is due, or it could not tell a duplicate from a heartbeat.
    expect(checkedUntil).toBeLessThan(watchdogDue);

    const sinceRestart = stack.receiver.alerts.filter((a) => a.receivedAtMs >= restartedAt);
    expect(sinceRestart.filter((a) => isWatchdog(a) && a.receivedAtMs < watchdogDue)).toEqual([]);
    expect(sinceRestart.filter((a) => a.labels.alertname === 'PipelineRunFailed' && a.labels.dag_id === 'data_quality')).toEqual([]);
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
    await waitFor('the buffer is empty', async () => sampleSum(await stack.simulator.metrics(), 'pipewatch_simulator_history_buffered_rows') === 0, { timeoutMs: 2 * MINUTE, intervalMs: SECOND });
    expect(await stack.postgres.historyRows()).toBe(await stack.simulator.finishedRuns());
    expect(sampleSum(await stack.simulator.metrics(), 'pipewatch_simulator_history_dropped_rows_total')).toBe(0);
  });
});

describe('GIVEN webhook notifications were given up during the outage', () => {
  test("WHEN the rule's `for` (5m) has passed THEN AlertmanagerNotificationsFailing fires and reaches the platform receiver", async () => {
    expect(firstGivenUpAtMs).toBeGreaterThan(0);
    // Pending since the first given-up notification; firing `for` later, then notified after the route's group_wait.
    const dueMs = firstGivenUpAtMs + NOTIFICATIONS_FAILING_FOR_MS + ms(DRILL_TIMING.groupWait) + SLACK_MS;
    const alert = await stack.receiver.waitFor(
      alertMatching({ receiver: PLATFORM, status: 'firing', labels: { alertname: 'AlertmanagerNotificationsFailing', integration: 'webhook' } }),
      Math.max(dueMs - Date.now(), SLACK_MS),
      'AlertmanagerNotificationsFailing',
    );
    expect(alert.labels).toMatchObject({ severity: 'critical', team: 'platform' });
    expect((await prometheusAlert('AlertmanagerNotificationsFailing'))?.state).toBe('firing');
  });
});
