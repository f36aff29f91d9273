import { Severity } from '../pipeline/spec';
import { Duration } from '../duration';
import { invalid } from '../validation';
import { AlertmanagerConfig, anyOf, InhibitRule, matcher, RouteConfig } from './config';
import { severityInhibitRules } from './inhibitions';
import { NULL_RECEIVER, Receiver, receiverConfig, validateReceiver } from './receivers';

/** Sends a team's alerts (optionally only some severities) to a receiver. */
export interface TeamRoute {
  readonly team: string;
  readonly receiver: string;
  /** @default - every severity */
  readonly severities?: readonly Severity[];
}

/** Alertmanager's notification timers: how long a new group waits, how often groups flush and repeat. */
export interface NotificationTiming {
  readonly groupWait: Duration;
  readonly groupInterval: Duration;
  readonly repeatInterval: Duration;
  /** The Watchdog's route flushes and repeats on its own timers, so a dead-man's switch hears it often. */
  readonly watchdogGroupInterval: Duration;
  readonly watchdogRepeatInterval: Duration;
}

/** The stack's timers: a page within ~30s of firing, an update at most every 5m, a reminder every 4h. */
export const DEFAULT_NOTIFICATION_TIMING: NotificationTiming = {
  groupWait: Duration.seconds(30),
  groupInterval: Duration.minutes(5),
  repeatInterval: Duration.hours(4),
  watchdogGroupInterval: Duration.minutes(1),
  watchdogRepeatInterval: Duration.minutes(5),
};

export interface AlertmanagerModel {
  readonly receivers: readonly Receiver[];
  readonly teamRoutes: readonly TeamRoute[];
  /** Added after the severity inhibition (e.g. the lineage rules of the pipelines). */
  readonly inhibitRules: readonly InhibitRule[];
  /** Receives alerts no team route matches. @default NULL_RECEIVER */
  readonly defaultReceiver?: string;
  /** Dead-man's-switch receiver (usually a webhook) for the Watchdog. @default NULL_RECEIVER */
  readonly watchdogReceiver?: string;
  /** Directory holding pipewatch.tmpl inside the container (or a test directory). */
  readonly templatesDir: string;
  /** @default DEFAULT_NOTIFICATION_TIMING */
  readonly timing?: NotificationTiming;
}

/** Pipeline alerts group per alert and DAG; alerts without a dag_id group by name alone. */
export const GROUP_BY = ['alertname', 'dag_id'] as const;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * The Watchdog always fires: it gets its own route, first and without
 * `continue`, so it never reaches a person, and repeats often so the external
 * dead-man's switch notices within minutes when the alerting path stops.
 */
function watchdogRoute(receiver: string, timing: NotificationTiming): RouteConfig {
  return {
    matchers: [matcher('alertname', '=', 'Watchdog')],
    receiver,
    group_wait: '0s',
    group_interval: timing.watchdogGroupInterval.toPromDuration(),
    repeat_interval: timing.watchdogRepeatInterval.toPromDuration(),
  };
}

/** Team routes all `continue`, so a critical alert can both page and post to chat when two routes match it. */
function teamRouteConfig(route: TeamRoute): RouteConfig {
  return {
    matchers: [matcher('team', '=', route.team), ...(route.severities ? [matcher('severity', '=~', anyOf(route.severities))] : [])],
    receiver: route.receiver,
    continue: true,
  };
}

/** alertmanager.yml for the model; `where` (the construct path) names the source of errors. */
export function renderAlertmanagerConfig(model: AlertmanagerModel, where: string): AlertmanagerConfig {
  const names = new Set<string>([NULL_RECEIVER]);
  for (const r of model.receivers) {
    validateReceiver(r, where);
    if (names.has(r.name)) invalid(where, 'receiver name', r.name, 'Each receiver needs its own name.');
    names.add(r.name);
  }
  const known = (property: string, name: string) => {
    if (!names.has(name)) invalid(where, property, name, `No receiver has that name. Add it with addReceiver() first; known: ${[...names].join(', ')}.`);
    return name;
  };
  for (const route of model.teamRoutes) {
    if (!TEAM.test(route.team)) invalid(where, 'route team', route.team, 'Use the lowercase team name the alerts carry in their `team` label.');
    known(`route for team ${route.team}`, route.receiver);
  }
  const timing = model.timing ?? DEFAULT_NOTIFICATION_TIMING;
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: known('defaultReceiver', model.defaultReceiver ?? NULL_RECEIVER),
      group_by: [...GROUP_BY],
      group_wait: timing.groupWait.toPromDuration(),
      group_interval: timing.groupInterval.toPromDuration(),
      repeat_interval: timing.repeatInterval.toPromDuration(),
      routes: [watchdogRoute(known('watchdogReceiver', model.watchdogReceiver ?? NULL_RECEIVER), timing), ...model.teamRoutes.map(teamRouteConfig)],
    },
    inhibit_rules: [...severityInhibitRules(), ...model.inhibitRules],
    receivers: [{ name: NULL_RECEIVER }, ...model.receivers.map(receiverConfig)],
    templates: [`${model.templatesDir.replace(/\/$/, '')}/*.tmpl`],
  };
}
