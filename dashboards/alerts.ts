import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { ALERTMANAGER_DATASOURCE } from '../content/grafana/datasources';
import {
  COLOR,
  DashboardOptions,
  detailLinkForDagIdField,
  pipewatchDashboard,
  promQuery,
  runbookLink,
  stateTimelinePanel,
  statPanel,
  tablePanel,
  thresholds,
  timeseriesPanel,
  UNIT,
} from './common';
import { layoutSections, PlaceablePanel, section } from './layout';
import { PIPELINE_ALERTS } from '../content/pipeline/alert-names';

/** Alerts of the selected teams; platform alerts without a team label pass the "All" regex too. */
const TEAM = 'team=~"$team"';
const FIRING = `ALERTS{alertstate="firing", ${TEAM}}`;

const FIRING_MAPPINGS: dashboard.ValueMapping[] = [{ type: dashboard.MappingType.ValueToText, options: { '1': { text: 'Firing', color: COLOR.bad, index: 0 } } }];

/** Teams that own the declared pipelines: every alert routes to one of them. */
function teamVariable(specs: readonly PipelineSpec[]): dashboard.CustomVariableBuilder {
  const teams = [...new Set(specs.map((s) => s.ownerTeam))].sort();
  return new dashboard.CustomVariableBuilder('team')
    .label('Team')
    .values(teams.join(','))
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/** Grafana's own alerting pages, pointed at pipewatch's Alertmanager. */
function alertmanagerLink(page: 'groups' | 'silences', title: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title).type(dashboard.DashboardLinkType.Link).url(`/alerting/${page}?alertmanager=${ALERTMANAGER_DATASOURCE.uid}`);
}

function countFiring(title: string, selector: string): PlaceablePanel {
  return statPanel({
    title,
    unit: UNIT.count,
    queries: [promQuery(`count(ALERTS{${selector}, ${TEAM}}) or vector(0)`, { instant: true })],
    thresholds: thresholds.anyIsBad(),
    width: 6,
  });
}

function nowPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    countFiring('Firing alerts', 'alertstate="firing"'),
    countFiring('Critical alerts firing', 'alertstate="firing", severity="critical"'),
    countFiring('Warnings firing', 'alertstate="firing", severity="warning"'),
    statPanel({
      title: 'Pending alerts',
      description: 'Alerts whose condition holds but has not lasted long enough to fire.',
      unit: UNIT.count,
      queries: [promQuery(`count(ALERTS{alertstate="pending", ${TEAM}}) or vector(0)`, { instant: true })],
      thresholds: thresholds.higherIsWorse(1, 10),
      width: 6,
    }),
    tablePanel({
      title: 'Firing alerts and how long they have been active',
      description: 'One row per firing alert with its labels. Pipeline alerts link to the pipeline’s detail dashboard; the panel links lead to the runbooks.',
      unit: UNIT.duration,
      queries: [promQuery(`time() - ALERTS_FOR_STATE{${TEAM}} and ignoring(alertstate) ${FIRING}`, { instant: true, table: true })],
      links: Object.values(PIPELINE_ALERTS).map((name) => runbookLink(name, options)),
      height: 10,
    })
      .transformations([{ id: 'organize', options: { excludeByName: { Time: true, __name__: true }, renameByName: { Value: 'Active for' } } }])
      .overrideByName('dag_id', [{ id: 'links', value: [detailLinkForDagIdField().build()] }]),
  ];
}

function historyPanels(): PlaceablePanel[] {
  return [
    stateTimelinePanel({
      title: 'Alert timeline',
      unit: UNIT.state,
      queries: [promQuery(`max by (alertname, dag_id) (${FIRING})`, { legend: '{{alertname}} {{dag_id}}' })],
      mappings: FIRING_MAPPINGS,
      height: 10,
    }),
    timeseriesPanel({
      title: 'Firing alerts by name',
      unit: UNIT.count,
      queries: [promQuery(`count by (alertname) (${FIRING})`, { legend: '{{alertname}}' })],
    }),
    timeseriesPanel({
      title: 'Firing alerts by team and severity',
      unit: UNIT.count,
      queries: [promQuery(`count by (team, severity) (${FIRING})`, { legend: '{{team}} {{severity}}' })],
    }),
  ];
}

function deliveryPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Notifications sent by integration',
      unit: UNIT.perSecond,
      queries: [promQuery('sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval]))', { legend: '{{integration}}' })],
    }),
    timeseriesPanel({
      title: 'Notifications failed by integration',
      unit: UNIT.perSecond,
      queries: [promQuery('sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))', { legend: '{{integration}}' })],
      thresholds: thresholds.anyIsBad(),
    }),
  ];
}

export function alertsDashboard(specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'alerts',
    'Alerts',
    'What is firing now, for how long, its history, and whether notifications reach people. Silences and grouping live in Alertmanager.',
    ['alerts'],
  )
    .withVariable(teamVariable(specs))
    .link(alertmanagerLink('groups', 'Alertmanager: alert groups'))
    .link(alertmanagerLink('silences', 'Alertmanager: silences'));
  return layoutSections(builder, [
    section('Now', nowPanels(options)),
    section('History', historyPanels()),
    section('Delivery', deliveryPanels()),
  ]);
}
