import { NotificationTiming } from '../../content/alertmanager/routing';
import { Duration } from '../../content/duration';
import { pipelineAlert } from './harness/expectations';
import { PrometheusAlert } from './harness/prometheus';
import { LiveStack } from './harness/stack';
import { sleep, waitFor } from './harness/wait';
import { ReceivedAlert } from './harness/webhook-receiver';

/**
 * The pipeline alerts read durable run state (Airflow's metadata database
 * through airflow-exporter; here the simulator plays it, restoring its state
 * from its run history). These drills restart what holds that state and hang
 * a DAG, and print how long each alert took. datalake_ingest is used because
 * it has no upstream whose alerts could inhibit its own: hourly, deadline
 * 30m, copy_to_raw_zone expected to take 4m (pipelines.yaml).
 */
const MINUTE = 60_000;
const SECOND = 1000;
const DAG = 'datalake_ingest';
const HUNG_TASK = 'copy_to_raw_zone';
/** Short Alertmanager timers so resolved notifications arrive within a minute of recovery (defaults: 30s / 5m). */
const STATE_TIMING: NotificationTiming = {
  groupWait: Duration.seconds(10),
  groupInterval: Duration.minutes(1),
  repeatInterval: Duration.hours(4),
  watchdogGroupInterval: Duration.minutes(1),
  watchdogRepeatInterval: Duration.minutes(5),
};
/**
 * Hours of pipeline time that always hold one whole run of the hourly DAG,
 * retries included: its next run may start only at the end of the first hour.
 */
const WHOLE_RUN_HOURS = 2;
/** A scrape, an evaluation, group_wait and room for a busy machine. */
const FIRE_WITHIN_MS = 2 * MINUTE;
/** A recovery is notified at the group's next flush: one group_interval, plus the same room. */
const RESOLVE_WITHIN_MS = 3 * MINUTE;

let stack: LiveStack;

beforeAll(async () => {
  stack = await LiveStack.start({ name: 'state', notificationTiming: STATE_TIMING });
  await stack.waitUntilScraping();
}, 3 * MINUTE);

afterAll(async () => stack?.stop(), MINUTE);

async function prometheusAlert(alertname: string): Promise<PrometheusAlert | undefined> {
  return (await stack.prometheus.alerts()).find((a) => a.labels.alertname === alertname && a.labels.dag_id === DAG);
}

/** The first notification matching after `sinceMs`, and how long it took. */
async function notified(alertname: string, status: 'firing' | 'resolved', sinceMs: number, timeoutMs: number): Promise<{ alert: ReceivedAlert; seconds: number }> {
  const matches = pipelineAlert(alertname, DAG, status);
  const alert = await stack.receiver.waitFor((a) => matches(a) && a.receivedAtMs >= sinceMs, timeoutMs, `${status} ${alertname} for ${DAG}`);
  return { alert, seconds: Math.round((alert.receivedAtMs - sinceMs) / SECOND) };
}

/** Nothing resolved `alertname` since `sinceMs`, and Prometheus still has it firing after a few evaluations. */
async function expectStillFiring(alertname: string, sinceMs: number): Promise<void> {
  await sleep(20 * SECOND);
  expect((await prometheusAlert(alertname))?.state).toBe('firing');
  expect(stack.receiver.received(pipelineAlert(alertname, DAG, 'resolved')).filter((a) => a.receivedAtMs >= sinceMs)).toEqual([]);
}

describe(`GIVEN ${DAG} whose run state the simulator keeps in its run history`, () => {
  test('WHEN a run fails THEN PipelineRunFailed pages, and a restart of the state holder neither resolves nor repeats it', async () => {
    const failedAt = Date.now();
    await stack.simulator.setScenario(DAG, 'fail');
    await stack.simulator.advanceHours(WHOLE_RUN_HOURS);
    const page = await notified('PipelineRunFailed', 'firing', failedAt, FIRE_WITHIN_MS);
    expect(page.alert.labels).toMatchObject({ team: 'data-platform', severity: 'critical' });

    const restartedAt = Date.now();
    await stack.simulator.process.restart();
    await expectStillFiring('PipelineRunFailed', restartedAt);
    console.log(`drill: failure → PipelineRunFailed page ${page.seconds}s; still firing after a restart of the state holder`);
  });

  test('WHEN it recovers, the state holder restarts and the DAG fails again THEN the new failure pages', async () => {
    const recoveredAt = Date.now();
    await stack.simulator.recover(DAG);
    await stack.simulator.advanceHours(WHOLE_RUN_HOURS);
    const resolved = await notified('PipelineRunFailed', 'resolved', recoveredAt, RESOLVE_WITHIN_MS);

    await stack.simulator.process.restart();
    await stack.waitUntilScraping();
    const failedAgainAt = Date.now();
    await stack.simulator.setScenario(DAG, 'fail');
    await stack.simulator.advanceHours(WHOLE_RUN_HOURS);
    const page = await notified('PipelineRunFailed', 'firing', failedAgainAt, FIRE_WITHIN_MS);
    expect(page.alert.labels).toMatchObject({ team: 'data-platform', severity: 'critical' });
    console.log(`drill: recovery → resolved ${resolved.seconds}s; restart, then a new failure → page ${page.seconds}s`);

    const recoveredAgainAt = Date.now();
    await stack.simulator.recover(DAG);
    await stack.simulator.advanceHours(WHOLE_RUN_HOURS);
    await notified('PipelineRunFailed', 'resolved', recoveredAgainAt, RESOLVE_WITHIN_MS);
  });

  test('WHEN a task hangs THEN the deadline and long-running alerts fire, stay firing across the top of the hour, and resolve once the DAG is back on time', async () => {
    const hungAt = Date.now();
    await stack.simulator.setScenario(DAG, 'hang', HUNG_TASK);
    // Two hours without a success: the interval after the last good one is past its 30m deadline.
    await stack.simulator.advanceHours(WHOLE_RUN_HOURS);
    const deadline = await notified('PipelineDeadlineMissed', 'firing', hungAt, FIRE_WITHIN_MS);
    const longRunning = await notified('PipelineTaskLongRunning', 'firing', hungAt, FIRE_WITHIN_MS);
    expect(longRunning.alert.labels).toMatchObject({ task_id: HUNG_TASK });

    const topOfHourAt = Date.now();
    await stack.simulator.advanceHours(1);
    await expectStillFiring('PipelineDeadlineMissed', topOfHourAt);
    await expectStillFiring('PipelineTaskLongRunning', topOfHourAt);

    const recoveredAt = Date.now();
    await stack.simulator.recover(DAG);
    // The hung run ends late; the next whole hourly run brings the newest interval back on time.
    await stack.simulator.advanceHours(WHOLE_RUN_HOURS);
    const resolved = await notified('PipelineDeadlineMissed', 'resolved', recoveredAt, RESOLVE_WITHIN_MS);
    await notified('PipelineTaskLongRunning', 'resolved', recoveredAt, RESOLVE_WITHIN_MS);
    const ofTheHang = ['PipelineDeadlineMissed', 'PipelineTaskLongRunning', 'PipelineDataStale'];
    await waitFor('no alert of the hang is left in Prometheus', async () => (await stack.prometheus.alerts()).every((a) => a.labels.dag_id !== DAG || !ofTheHang.includes(a.labels.alertname)), {
      timeoutMs: MINUTE,
      intervalMs: SECOND,
    });
    console.log(
      `drill: hang → PipelineDeadlineMissed ${deadline.seconds}s, PipelineTaskLongRunning ${longRunning.seconds}s; still firing across the top of the hour; recovery → resolved ${resolved.seconds}s`,
    );
  });
});
