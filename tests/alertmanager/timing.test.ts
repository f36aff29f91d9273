import { renderAlertmanagerConfig, NotificationTiming } from '../../content/alertmanager/routing';
import { Duration } from '../../content/duration';

const model = { receivers: [{ kind: 'webhook' as const, name: 'dead-mans-switch' }], teamRoutes: [], inhibitRules: [], watchdogReceiver: 'dead-mans-switch', templatesDir: '/t' };

describe('GIVEN the Alertmanager routing tree', () => {
  test('WHEN no timing is given THEN alerts wait 30s, flush every 5m and repeat every 4h, and the Watchdog repeats every 5m', () => {
    const { route } = renderAlertmanagerConfig(model, 'test');
    expect(route).toMatchObject({ group_wait: '30s', group_interval: '5m', repeat_interval: '4h' });
    expect(route.routes?.[0]).toMatchObject({ receiver: 'dead-mans-switch', group_wait: '0s', group_interval: '1m', repeat_interval: '5m' });
  });

  test('WHEN a test sets its own timing THEN every timer of the tree follows it', () => {
    const timing: NotificationTiming = {
      groupWait: Duration.seconds(10),
      groupInterval: Duration.seconds(90),
      repeatInterval: Duration.hours(2),
      watchdogGroupInterval: Duration.seconds(30),
      watchdogRepeatInterval: Duration.minutes(2),
    };
    const { route } = renderAlertmanagerConfig({ ...model, timing }, 'test');
    expect(route).toMatchObject({ group_wait: '10s', group_interval: '1m30s', repeat_interval: '2h' });
    expect(route.routes?.[0]).toMatchObject({ group_wait: '0s', group_interval: '30s', repeat_interval: '2m' });
  });
});
