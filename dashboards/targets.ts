/**
 * Each pipeline's own targets (staleness limit, deadline, SLO, expected
 * durations, checked datasets) as PromQL, built from its spec, so one query
 * judges every pipeline against its own numbers.
 */
import { Duration } from '../content/duration';
import { DEFAULT_SLO, PipelineSpec } from '../content/pipeline/spec';
import { dataAgeSeconds, runs } from './queries';
import { lastScheduledRunExpr } from './schedule';
import { parseSchedule } from '../content/pipeline/schedule';
import { RUN_SERIES } from '../content/metrics/catalog';
import { constantVector, perPipeline } from './spec-vectors';

/** Avoids float noise such as 0.010000000000000009 in rendered queries. */
function tidy(n: number): number {
  return Number(n.toPrecision(6));
}

export function maxStalenessSeconds(specs: readonly PipelineSpec[]): string | undefined {
  return perPipeline(specs, (s) => s.maxStaleness?.toSeconds());
}

/** Data age as a share of the pipeline's staleness limit: 1 means the limit is reached. */
export function stalenessBudgetUsed(specs: readonly PipelineSpec[], selector = ''): string | undefined {
  const limits = maxStalenessSeconds(specs);
  return limits && `(${dataAgeSeconds(selector)}) / on(dag_id) ${limits}`;
}

/** The fixed period of a pipeline with a deadline, in seconds; undefined for other schedules. */
function deadlinePeriod(spec: PipelineSpec): number | undefined {
  if (!spec.deadline || !lastScheduledRunExpr(spec.schedule)) return undefined;
  const schedule = parseSchedule(spec.schedule);
  return schedule.kind === 'periodic' ? schedule.periodSeconds : undefined;
}

/** Pipelines with a deadline whose schedule has no fixed period, so no time-left figure can be drawn. */
export function deadlinesWithoutFixedSchedule(specs: readonly PipelineSpec[]): string[] {
  return specs.filter((s) => s.deadline && !lastScheduledRunExpr(s.schedule)).map((s) => s.dagId);
}

/**
 * Seconds until the deadline of the interval after the last successful one
 * (negative once overdue), as the deadline alert judges it: that interval is
 * due at its data interval end (last success + one period) plus the deadline.
 * Shown only once that interval is scheduled, i.e. while a run is owed.
 */
export function timeLeftBeforeDeadline(specs: readonly PipelineSpec[]): string | undefined {
  const withDeadline = specs.filter((s) => deadlinePeriod(s) !== undefined);
  const dueAfter = perPipeline(withDeadline, (s) => (deadlinePeriod(s) as number) + s.deadline!.toSeconds());
  const period = perPipeline(withDeadline, (s) => deadlinePeriod(s));
  if (!dueAfter || !period) return undefined;
  const lastSuccess = `max by (dag_id) (${RUN_SERIES.lastSuccess})`;
  return `${lastSuccess} + on(dag_id) ${dueAfter} - time() unless on(dag_id) (${lastSuccess} + on(dag_id) ${period} > time())`;
}

function slo(spec: PipelineSpec): { successRatio: number; window: Duration } {
  return { successRatio: spec.slo?.successRatio ?? DEFAULT_SLO.successRatio, window: spec.slo?.window ?? DEFAULT_SLO.window };
}

/** Allowed failure share per pipeline (1 - SLO success ratio). */
export function errorBudgets(specs: readonly PipelineSpec[]): string | undefined {
  return perPipeline(specs, (s) => tidy(1 - slo(s).successRatio));
}

/** How fast each pipeline spends its error budget over the range: 1 spends it exactly over the SLO window. */
export function errorBudgetBurnRate(specs: readonly PipelineSpec[], selector: string, range: string): string | undefined {
  const budgets = errorBudgets(specs);
  return budgets && `(${runs.failureRatio(selector, range)}) / on(dag_id) ${budgets}`;
}

/** Share of the error budget left over each pipeline's own SLO window (below 0: SLO missed). */
export function errorBudgetRemaining(specs: readonly PipelineSpec[]): string | undefined {
  if (specs.length === 0) return undefined;
  return specs
    .map((s) => {
      const { successRatio, window } = slo(s);
      return `(1 - (${runs.failureRatio(`dag_id="${s.dagId}"`, window.toPromDuration())}) / ${tidy(1 - successRatio)})`;
    })
    .join(' or ');
}

/** SLOs in words, for panel descriptions. */
export function sloSummary(specs: readonly PipelineSpec[]): string {
  return specs.map((s) => `${s.dagId} ${tidy(slo(s).successRatio * 100)}% over ${slo(s).window.toPromDuration()}`).join('; ');
}

export function expectedRunSeconds(specs: readonly PipelineSpec[]): string | undefined {
  return perPipeline(specs, (s) => s.expectedDuration.toSeconds());
}

export function expectedTaskSeconds(specs: readonly PipelineSpec[]): string | undefined {
  return constantVector(specs.flatMap((s) => s.tasks.map((t) => ({ labels: { dag_id: s.dagId, task_id: t.taskId }, value: t.expectedDuration.toSeconds() }))));
}

/** Which dataset each declared check covers: the failure counters carry only the check name. */
export function checkDatasets(specs: readonly PipelineSpec[]): string | undefined {
  return constantVector(
    specs.flatMap((s) => (s.dataQualityChecks ?? []).map((c) => ({ labels: { dag_id: s.dagId, check: c.name, dataset: c.dataset }, value: 1 }))),
  );
}

/** Minimum completeness per dataset, as declared on the checks. */
export function completenessMinimums(specs: readonly PipelineSpec[]): { dataset: string; minimum: number }[] {
  return specs.flatMap((s) => (s.dataQualityChecks ?? []).flatMap((c) => (c.minCompleteness === undefined ? [] : [{ dataset: c.dataset, minimum: c.minCompleteness }])));
}
