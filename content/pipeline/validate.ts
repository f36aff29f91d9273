import { Duration } from '../duration';
import { invalid } from '../validation';
import { ScheduleSyntaxError, Schedule, parseSchedule } from './schedule';
import { PipelineSpec } from './spec';

/**
 * Airflow's own rule for dag and task ids (alphanumerics, dashes, dots,
 * underscores; up to 250), ASCII only because Airflow's StatsD client drops a
 * line with any other character. The names travel as StatsD tags and end up
 * as Prometheus label values and Alertmanager matchers.
 */
const AIRFLOW_KEY = /^[A-Za-z0-9_.-]{1,250}$/;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const AIRFLOW_KEY_FIX = 'Use 1 to 250 ASCII letters, digits, "_", "-" and "." (Airflow\'s rule for dag and task ids), e.g. "finance.daily_revenue".';

/** The parsed schedule, or a validation error naming `where` and the fix. */
export function scheduleOf(spec: PipelineSpec, where: string): Schedule {
  try {
    return parseSchedule(spec.schedule);
  } catch (e) {
    if (!(e instanceof ScheduleSyntaxError)) throw e;
    return invalid(where, 'schedule', spec.schedule, `${e.message}. Use an Airflow preset such as "@hourly" or a cron expression such as "15 * * * *".`);
  }
}

/** Checks one pipeline on its own; `where` is its construct path or catalog location. */
export function validatePipelineSpec(spec: PipelineSpec, where: string): void {
  if (!AIRFLOW_KEY.test(spec.dagId)) invalid(where, 'dagId', spec.dagId, AIRFLOW_KEY_FIX);
  if (!TEAM.test(spec.ownerTeam)) {
    invalid(where, 'ownerTeam', spec.ownerTeam, 'Use a lowercase team name of letters, digits, "_" and "-" (e.g. "data-platform"); it becomes the `team` label routes match on.');
  }
  const schedule = scheduleOf(spec, where);
  const expected = requirePositiveDuration(where, 'expectedDuration', spec.expectedDuration);
  if (spec.deadline !== undefined) validateDeadline(where, spec, schedule, expected);
  if (spec.maxStaleness !== undefined) validateMaxStaleness(where, spec.maxStaleness, schedule, expected);
  validateTasks(where, spec);
  validateDataQualityChecks(where, spec);
  validateSlo(where, spec);
  validateUpstreamShape(where, spec);
}

function requirePositiveDuration(where: string, property: string, value: Duration): number {
  const seconds = value.toSeconds();
  if (seconds <= 0) invalid(where, property, value.toString(), 'Use a duration greater than zero, e.g. "5m".');
  return seconds;
}

function validateDeadline(where: string, spec: PipelineSpec, schedule: Schedule, expectedSeconds: number): void {
  const deadline = requirePositiveDuration(where, 'deadline', spec.deadline as Duration);
  if (schedule.kind !== 'periodic') {
    invalid(where, 'deadline', spec.deadline?.toString(), `The schedule "${spec.schedule}" has no fixed period, so the time a run was due cannot be computed in PromQL (supported: @hourly, @daily, @weekly, "M * * * *", "M H * * *", "M H * * D", "*/N * * * *", "M */N * * *"). Drop the deadline and set maxStaleness instead.`);
  }
  if (deadline >= schedule.periodSeconds) {
    invalid(where, 'deadline', spec.deadline?.toString(), `A deadline must end before the next run is due (period ${Duration.seconds(schedule.periodSeconds)} for "${spec.schedule}"). Shorten it, or use maxStaleness for data that may lag more than one period.`);
  }
  if (deadline < expectedSeconds) {
    invalid(where, 'deadline', spec.deadline?.toString(), `A deadline shorter than expectedDuration (${spec.expectedDuration}) would be missed by every normal run. Make it at least ${spec.expectedDuration}.`);
  }
}

function validateMaxStaleness(where: string, maxStaleness: Duration, schedule: Schedule, expectedSeconds: number): void {
  const staleness = requirePositiveDuration(where, 'maxStaleness', maxStaleness);
  if (schedule.kind === 'periodic' && staleness < schedule.periodSeconds + expectedSeconds) {
    const least = Duration.seconds(schedule.periodSeconds + expectedSeconds);
    invalid(where, 'maxStaleness', maxStaleness.toString(), `Data is always up to one period plus one run old, so this would fire between healthy runs. Use at least ${least}.`);
  }
}

function validateTasks(where: string, spec: PipelineSpec): void {
  if (spec.tasks.length === 0) invalid(where, 'tasks', [], 'Declare the DAG\'s tasks in run order, e.g. [{ taskId: "extract", expectedDuration: Duration.minutes(5) }].');
  const seen = new Set<string>();
  spec.tasks.forEach((task, i) => {
    if (!AIRFLOW_KEY.test(task.taskId)) invalid(where, `tasks[${i}].taskId`, task.taskId, `${AIRFLOW_KEY_FIX} A task inside a TaskGroup has the group in front: "load.write_parquet".`);
    if (seen.has(task.taskId)) invalid(where, `tasks[${i}].taskId`, task.taskId, 'Each task id may appear once.');
    seen.add(task.taskId);
    requirePositiveDuration(where, `tasks[${i}].expectedDuration`, task.expectedDuration);
  });
}

function validateDataQualityChecks(where: string, spec: PipelineSpec): void {
  const seen = new Set<string>();
  (spec.dataQualityChecks ?? []).forEach((check, i) => {
    if (!AIRFLOW_KEY.test(check.name)) invalid(where, `dataQualityChecks[${i}].name`, check.name, AIRFLOW_KEY_FIX.replace('finance.daily_revenue', 'orders_not_null'));
    if (seen.has(check.name)) invalid(where, `dataQualityChecks[${i}].name`, check.name, 'Each check name may appear once per pipeline.');
    seen.add(check.name);
    if (!AIRFLOW_KEY.test(check.dataset)) invalid(where, `dataQualityChecks[${i}].dataset`, check.dataset, AIRFLOW_KEY_FIX.replace('finance.daily_revenue', 'warehouse.orders'));
    const min = check.minCompleteness;
    if (min !== undefined && !(min > 0 && min <= 1)) {
      invalid(where, `dataQualityChecks[${i}].minCompleteness`, min, 'Use a ratio in (0, 1], e.g. 0.98 for 98% of the expected records.');
    }
  });
}

function validateSlo(where: string, spec: PipelineSpec): void {
  if (spec.slo === undefined) return;
  const ratio = spec.slo.successRatio;
  if (!(ratio > 0 && ratio < 1)) {
    invalid(where, 'slo.successRatio', ratio, 'Use a ratio strictly between 0 and 1, e.g. 0.99; 1 would leave no error budget to burn.');
  }
  if (spec.slo.window !== undefined && spec.slo.window.toSeconds() < 86400) {
    invalid(where, 'slo.window', spec.slo.window.toString(), 'Use a window of at least one day (typically 28d) so a batch pipeline has enough runs to measure.');
  }
}

function validateUpstreamShape(where: string, spec: PipelineSpec): void {
  const upstream = spec.upstream ?? [];
  upstream.forEach((dagId, i) => {
    if (dagId === spec.dagId) invalid(where, `upstream[${i}]`, dagId, 'A pipeline cannot be its own upstream; remove it.');
    if (upstream.indexOf(dagId) !== i) invalid(where, `upstream[${i}]`, dagId, 'List each upstream pipeline once.');
  });
}

/**
 * Checks the pipelines together: unique dag ids, upstreams that exist, no
 * lineage cycles. `whereOf(i)` names the i-th pipeline's construct path or catalog location.
 */
export function validatePipelineCatalog(specs: readonly PipelineSpec[], whereOf: (index: number) => string): void {
  specs.forEach((spec, i) => {
    if (validSpecs.has(spec)) return;
    validatePipelineSpec(spec, whereOf(i));
    validSpecs.add(spec);
  });
  if (extendsLastValidCatalog(specs)) return;
  checkCatalogLinks(specs, whereOf);
  lastValid = { specs: new Set(specs), dagIds: new Set(specs.map((s) => s.dagId)) };
}

/** Specs that passed validatePipelineSpec: a stack re-checks its growing catalog on every addPipeline(). */
const validSpecs = new WeakSet<PipelineSpec>();
/** The last catalog that passed, so the next one that is the same or adds one spec to it costs only that spec. */
let lastValid: { readonly specs: Set<PipelineSpec>; readonly dagIds: Set<string> } = { specs: new Set(), dagIds: new Set() };

/**
 * True when `specs` (each valid on its own) is the last valid catalog, in any
 * order, plus at most one spec under a new dag_id whose upstreams are in that
 * catalog: nothing in the catalog can be upstream of the new spec, so it closes
 * no cycle. Anything else gets the full check, and with it the error a full check gives.
 */
function extendsLastValidCatalog(specs: readonly PipelineSpec[]): boolean {
  const added = specs.filter((s) => !lastValid.specs.has(s));
  if (added.length > 1 || specs.length - added.length !== lastValid.specs.size || new Set(specs).size !== specs.length) return false;
  const spec = added[0];
  if (spec === undefined) return true;
  if (lastValid.dagIds.has(spec.dagId) || !(spec.upstream ?? []).every((id) => lastValid.dagIds.has(id))) return false;
  lastValid.specs.add(spec);
  lastValid.dagIds.add(spec.dagId);
  return true;
}

/** Unique dag ids, upstreams that exist, no lineage cycles. */
function checkCatalogLinks(specs: readonly PipelineSpec[], whereOf: (index: number) => string): void {
  const indexById = new Map<string, number>();
  specs.forEach((spec, i) => {
    const first = indexById.get(spec.dagId);
    if (first !== undefined) invalid(whereOf(i), 'dagId', spec.dagId, `${whereOf(first)} already declares this dag_id; each pipeline needs its own.`);
    indexById.set(spec.dagId, i);
  });
  specs.forEach((spec, i) =>
    (spec.upstream ?? []).forEach((dagId, u) => {
      if (!indexById.has(dagId)) {
        invalid(whereOf(i), `upstream[${u}]`, dagId, `No pipeline with that dag_id is declared. Known dag_ids: ${[...indexById.keys()].join(', ')}.`);
      }
    }),
  );
  const cycle = findLineageCycle(specs);
  if (cycle) {
    invalid(whereOf(indexById.get(cycle[0]) as number), 'upstream', cycle.join(' -> '), 'Pipelines may not depend on each other in a cycle; remove one of these upstream links.');
  }
}

/** The dag ids of one upstream cycle (first id repeated at the end), or undefined when the lineage is a DAG. */
export function findLineageCycle(specs: readonly PipelineSpec[]): string[] | undefined {
  const upstreamOf = new Map(specs.map((s) => [s.dagId, s.upstream ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (dagId: string): string[] | undefined => {
    if (state.get(dagId) === 'done') return undefined;
    if (state.get(dagId) === 'visiting') return [...path.slice(path.indexOf(dagId)), dagId];
    state.set(dagId, 'visiting');
    path.push(dagId);
    for (const up of upstreamOf.get(dagId) ?? []) {
      const cycle = visit(up);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(dagId, 'done');
    return undefined;
  };
  for (const spec of specs) {
    const cycle = visit(spec.dagId);
    if (cycle) return cycle;
  }
  return undefined;
}
