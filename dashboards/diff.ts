/**
 * Panel-level review diff between two sets of rendered dashboards: what a
 * reviewer needs to know (added, removed, moved, renamed panels; changed
 * queries, units and thresholds) instead of a thousand-line JSON diff.
 * Pure: the caller reads the files (see diff-cli.ts).
 */
import type { DashboardJson } from '../content/grafana/dashboard-json';
import { GridPos, PanelView, panelsOf } from './panels';

/** File name → dashboard JSON, as found in dashboards/generated at one revision. */
export type DashboardSet = ReadonlyMap<string, DashboardJson>;

export interface Placement {
  readonly row?: string;
  readonly gridPos?: GridPos;
}

export type PanelChange =
  | { readonly kind: 'added'; readonly panel: string; readonly row?: string }
  | { readonly kind: 'removed'; readonly panel: string; readonly row?: string }
  | { readonly kind: 'renamed'; readonly panel: string; readonly from: string }
  | { readonly kind: 'moved'; readonly panel: string; readonly from: Placement; readonly to: Placement }
  | { readonly kind: 'query'; readonly panel: string; readonly refId: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'unit'; readonly panel: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'thresholds'; readonly panel: string; readonly from: string; readonly to: string }
  | { readonly kind: 'other'; readonly panel: string; readonly settings: readonly string[] };

export interface DashboardDiff {
  readonly file: string;
  readonly title: string;
  readonly status: 'added' | 'removed' | 'changed';
  readonly panelCount: number;
  readonly retitledFrom?: string;
  /** Dashboard-level settings (variables, links, time…) that changed. */
  readonly settings: readonly string[];
  readonly changes: readonly PanelChange[];
}

type Json = Record<string, unknown>;

// ---------------------------------------------------------------- matching panels

interface Pair {
  readonly base: PanelView;
  readonly head: PanelView;
}

function querySignature(panel: PanelView): string {
  return panel.queries
    .map((q) => q.expr)
    .sort()
    .join('\n');
}

/**
 * Pairs panels by title (the n-th panel of a title with the n-th), then pairs
 * the rest whose queries are identical: a renamed panel, not a new one.
 */
function matchPanels(base: readonly PanelView[], head: readonly PanelView[]): { pairs: Pair[]; added: PanelView[]; removed: PanelView[] } {
  const pairs: Pair[] = [];
  const unmatchedHead = [...head];
  const unmatchedBase: PanelView[] = [];
  for (const panel of base) {
    const i = unmatchedHead.findIndex((h) => h.title === panel.title);
    if (i >= 0) pairs.push({ base: panel, head: unmatchedHead.splice(i, 1)[0] });
    else unmatchedBase.push(panel);
  }
  const removed: PanelView[] = [];
  for (const panel of unmatchedBase) {
    const signature = querySignature(panel);
    const i = signature === '' ? -1 : unmatchedHead.findIndex((h) => querySignature(h) === signature);
    if (i >= 0) pairs.push({ base: panel, head: unmatchedHead.splice(i, 1)[0] });
    else removed.push(panel);
  }
  return { pairs, added: unmatchedHead, removed };
}

// ---------------------------------------------------------------- moves

/** Indexes of `sequence` that belong to one longest increasing subsequence. */
function longestIncreasing(sequence: readonly number[]): Set<number> {
  const lengths = sequence.map(() => 1);
  const previous = sequence.map(() => -1);
  for (let i = 0; i < sequence.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sequence[j] < sequence[i] && lengths[j] + 1 > lengths[i]) {
        lengths[i] = lengths[j] + 1;
        previous[i] = j;
      }
    }
  }
  const kept = new Set<number>();
  let i = lengths.indexOf(Math.max(0, ...lengths));
  while (i >= 0) {
    kept.add(i);
    i = previous[i];
  }
  return kept;
}

/**
 * A panel moved when it changed row or size, or changed order among the panels
 * both revisions share. Shifts caused only by panels added or removed around
 * it are not moves: they would drown the real ones.
 */
function movedPairs(pairs: readonly Pair[], baseOrder: readonly PanelView[], headOrder: readonly PanelView[]): Set<Pair> {
  const moved = new Set<Pair>();
  const stayed: Pair[] = [];
  for (const pair of pairs) {
    const a = pair.base.gridPos;
    const b = pair.head.gridPos;
    if (pair.base.row !== pair.head.row || a?.w !== b?.w || a?.h !== b?.h) moved.add(pair);
    else stayed.push(pair);
  }
  const rows = new Set(stayed.map((p) => p.head.row));
  for (const row of rows) {
    const inRow = stayed.filter((p) => p.head.row === row).sort((a, b) => baseOrder.indexOf(a.base) - baseOrder.indexOf(b.base));
    // In base order, positions in head order increase unless something moved.
    const headPositions = inRow.map((p) => headOrder.indexOf(p.head));
    const kept = longestIncreasing(headPositions);
    inRow.forEach((pair, i) => {
      if (!kept.has(i)) moved.add(pair);
    });
  }
  return moved;
}

// ---------------------------------------------------------------- settings

function defaultsOf(panel: PanelView): Json {
  return ((panel.json.fieldConfig as Json | undefined)?.defaults as Json | undefined) ?? {};
}

function describeThresholds(panel: PanelView): string {
  const config = defaultsOf(panel).thresholds as { mode?: string; steps?: { value: number | null; color: string }[] } | undefined;
  if (!config?.steps?.length) return 'none';
  const suffix = config.mode === 'percentage' ? '%' : '';
  return config.steps.map((s) => `${s.value === null ? 'base' : `${s.value}${suffix}`} ${s.color}`).join(', ');
}

/** Panel JSON without what the specific change kinds already report. */
function remainingSettings(panel: PanelView): Json {
  const { id: _id, gridPos: _gridPos, title: _title, targets: _targets, fieldConfig, ...rest } = panel.json;
  const { unit: _unit, thresholds: _thresholds, ...otherDefaults } = ((fieldConfig as Json | undefined)?.defaults as Json | undefined) ?? {};
  return { ...rest, fieldConfig: { ...((fieldConfig as Json | undefined) ?? {}), defaults: otherDefaults } };
}

function changedKeys(a: Json, b: Json): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

function pairChanges(pair: Pair, moved: boolean): PanelChange[] {
  const { base, head } = pair;
  const panel = head.title;
  const changes: PanelChange[] = [];
  if (base.title !== head.title) changes.push({ kind: 'renamed', panel, from: base.title });
  if (moved) changes.push({ kind: 'moved', panel, from: { row: base.row, gridPos: base.gridPos }, to: { row: head.row, gridPos: head.gridPos } });
  const refIds = [...new Set([...base.queries, ...head.queries].map((q) => q.refId))].sort();
  for (const refId of refIds) {
    const from = base.queries.find((q) => q.refId === refId)?.expr;
    const to = head.queries.find((q) => q.refId === refId)?.expr;
    if (from !== to) changes.push({ kind: 'query', panel, refId, from, to });
  }
  const [unitFrom, unitTo] = [defaultsOf(base).unit, defaultsOf(head).unit] as (string | undefined)[];
  if (unitFrom !== unitTo) changes.push({ kind: 'unit', panel, from: unitFrom, to: unitTo });
  const [thresholdsFrom, thresholdsTo] = [describeThresholds(base), describeThresholds(head)];
  if (thresholdsFrom !== thresholdsTo) changes.push({ kind: 'thresholds', panel, from: thresholdsFrom, to: thresholdsTo });
  const other = changedKeys(remainingSettings(base), remainingSettings(head));
  if (other.length) changes.push({ kind: 'other', panel, settings: other });
  return changes;
}

// ---------------------------------------------------------------- dashboards

const IGNORED_DASHBOARD_KEYS = new Set(['panels', 'title', 'version', 'id']);

function dashboardSettingsChanged(base: DashboardJson, head: DashboardJson): string[] {
  return changedKeys(base, head).filter((k) => !IGNORED_DASHBOARD_KEYS.has(k));
}

function titleOf(dashboard: DashboardJson, file: string): string {
  return typeof dashboard.title === 'string' ? dashboard.title : file;
}

function diffOne(file: string, base: DashboardJson, head: DashboardJson): DashboardDiff {
  const basePanels = panelsOf(base);
  const headPanels = panelsOf(head);
  const { pairs, added, removed } = matchPanels(basePanels, headPanels);
  const moved = movedPairs(pairs, basePanels, headPanels);
  const inHeadOrder = [...pairs].sort((a, b) => headPanels.indexOf(a.head) - headPanels.indexOf(b.head));
  const changes: PanelChange[] = [
    ...added.map((p): PanelChange => ({ kind: 'added', panel: p.title, row: p.row })),
    ...removed.map((p): PanelChange => ({ kind: 'removed', panel: p.title, row: p.row })),
    ...inHeadOrder.flatMap((pair) => pairChanges(pair, moved.has(pair))),
  ];
  const title = titleOf(head, file);
  const previousTitle = titleOf(base, file);
  return {
    file,
    title,
    status: 'changed',
    panelCount: headPanels.length,
    retitledFrom: previousTitle !== title ? previousTitle : undefined,
    settings: dashboardSettingsChanged(base, head),
    changes,
  };
}

function hasChanges(diff: DashboardDiff): boolean {
  return diff.status !== 'changed' || diff.retitledFrom !== undefined || diff.settings.length > 0 || diff.changes.length > 0;
}

export function diffDashboards(base: DashboardSet, head: DashboardSet): DashboardDiff[] {
  const files = [...new Set([...base.keys(), ...head.keys()])].sort();
  return files
    .map((file): DashboardDiff => {
      const before = base.get(file);
      const after = head.get(file);
      if (!before) return { file, title: titleOf(after!, file), status: 'added', panelCount: panelsOf(after!).length, settings: [], changes: [] };
      if (!after) return { file, title: titleOf(before, file), status: 'removed', panelCount: panelsOf(before).length, settings: [], changes: [] };
      return diffOne(file, before, after);
    })
    .filter(hasChanges);
}

// ---------------------------------------------------------------- Markdown

/** A Markdown code span that survives backticks and newlines inside the query. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function bold(text: string): string {
  return `**${text.replace(/\*/g, '\\*')}**`;
}

function rowName(row: string | undefined): string {
  return row === undefined ? 'above the first row' : `row *${row}*`;
}

function placement(p: Placement): string {
  const g = p.gridPos;
  return `${rowName(p.row)}${g ? ` at x=${g.x} y=${g.y}, ${g.w}×${g.h}` : ''}`;
}

function orNone(text: string | undefined): string {
  return text === undefined ? '*none*' : codeSpan(text);
}

function changeLine(change: PanelChange): string {
  const panel = bold(change.panel);
  switch (change.kind) {
    case 'added':
      return `Added panel ${panel} in ${rowName(change.row)}`;
    case 'removed':
      return `Removed panel ${panel} from ${rowName(change.row)}`;
    case 'renamed':
      return `Renamed panel ${bold(change.from)} to ${panel}`;
    case 'moved':
      return `Moved panel ${panel}: ${placement(change.from)} → ${placement(change.to)}`;
    case 'query':
      if (change.from === undefined) return `Query ${change.refId} added to ${panel}: ${codeSpan(change.to!)}`;
      if (change.to === undefined) return `Query ${change.refId} removed from ${panel}: ${codeSpan(change.from)}`;
      return `Query ${change.refId} changed in ${panel}: ${codeSpan(change.from)} → ${codeSpan(change.to)}`;
    case 'unit':
      return `Unit changed in ${panel}: ${orNone(change.from)} → ${orNone(change.to)}`;
    case 'thresholds':
      return `Thresholds changed in ${panel}: ${change.from} → ${change.to}`;
    case 'other':
      return `Other settings changed in ${panel}: ${change.settings.map(codeSpan).join(', ')}`;
  }
}

function section(diff: DashboardDiff): string[] {
  const heading = `#### ${diff.title} (${codeSpan(diff.file)})`;
  if (diff.status === 'added') return [heading, '', `- New dashboard with ${diff.panelCount} panels`];
  if (diff.status === 'removed') return [heading, '', `- Dashboard removed (it had ${diff.panelCount} panels)`];
  const lines = [
    ...(diff.retitledFrom !== undefined ? [`Renamed dashboard ${bold(diff.retitledFrom)} to ${bold(diff.title)}`] : []),
    ...(diff.settings.length ? [`Dashboard settings changed: ${diff.settings.map(codeSpan).join(', ')}`] : []),
    ...diff.changes.map(changeLine),
  ];
  return [heading, '', ...lines.map((l) => `- ${l}`)];
}

/** The PR comment: one section per changed dashboard, or a single line when nothing changed. */
export function diffToMarkdown(diffs: readonly DashboardDiff[]): string {
  if (diffs.length === 0) return 'No dashboard changes.\n';
  const summary = `${diffs.length} dashboard${diffs.length === 1 ? '' : 's'} changed.`;
  return `### Dashboard changes\n\n${summary}\n\n${diffs.map((d) => section(d).join('\n')).join('\n\n')}\n`;
}
