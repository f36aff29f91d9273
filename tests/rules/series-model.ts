import { EXPORTER_TARGET, InputSeries, seriesOf, STATSD_TARGET } from './promtool-model';

/**
 * Input series shaped as the exporters really publish them, one sample per
 * minute. Times are minutes since the Unix epoch of the promtool test.
 */
export type Sample = number | 'gap' | 'stale';

/** promtool's compact notation for per-minute samples: `5x3` is four 5s, `_x2` two missing samples. */
export function compress(samples: readonly Sample[]): string {
  const out: string[] = [];
  for (let i = 0; i < samples.length; ) {
    let j = i;
    while (j < samples.length && samples[j] === samples[i]) j++;
    const n = j - i;
    const v = samples[i];
    if (v === 'stale') out.push(...Array<string>(n).fill('stale'));
    else if (v === 'gap') out.push(n === 1 ? '_' : `_x${n}`);
    else out.push(n === 1 ? `${v}` : `${v}x${n - 1}`);
    i = j;
  }
  return out.join(' ');
}

/** One DAG run as Airflow's metadata database records it. */
export interface Run {
  /** Data interval end (the scheduled time), in minutes. */
  readonly interval: number;
  /** When the run reached its final state, in minutes. */
  readonly finished: number;
  readonly state: 'success' | 'failed';
}

/** Runs at every top of the hour from `fromHour` to `toHour`, each finishing `tookMinutes` later; `failed(h)` picks the failures. */
export function hourlyRuns(fromHour: number, toHour: number, tookMinutes = 6, failed: (hour: number) => boolean = () => false): Run[] {
  const runs: Run[] = [];
  for (let h = fromHour; h <= toHour; h++) runs.push({ interval: h * 60, finished: h * 60 + tookMinutes, state: failed(h) ? 'failed' : 'success' });
  return runs;
}

export interface ScrapeFaults {
  /** [from, to) minutes in which Prometheus got no sample at all (a scrape gap). */
  readonly gaps?: readonly (readonly [number, number])[];
  /** Minutes at which a scrape failed while the exporter restarted: Prometheus marks its series stale. */
  readonly restarts?: readonly number[];
}

function sampleAt(minute: number, value: number | undefined, faults: ScrapeFaults): Sample | undefined {
  if ((faults.gaps ?? []).some(([from, to]) => minute >= from && minute < to)) return 'gap';
  if ((faults.restarts ?? []).includes(minute)) return 'stale';
  return value;
}

/** A series sampled every `step` minutes from 0 to `end`; an undefined value is "not exposed" (stale once it was). */
function sampled(metric: string, labels: Readonly<Record<string, string>>, end: number, valueAt: (minute: number) => number | undefined, faults: ScrapeFaults, step = 1): InputSeries | undefined {
  const samples: Sample[] = [];
  let exposed = false;
  for (let m = 0; m <= end; m += step) {
    const s = sampleAt(m, valueAt(m), faults);
    if (s === undefined) {
      samples.push(exposed ? 'stale' : 'gap');
      exposed = false;
    } else {
      samples.push(s);
      exposed = exposed || typeof s === 'number';
    }
  }
  return samples.every((s) => s === 'gap') ? undefined : { series: seriesOf(metric, labels), values: compress(samples) };
}

export interface DagHistory {
  readonly dagId: string;
  readonly runs: readonly Run[];
  /** Last minute sampled. */
  readonly end: number;
  /** Minutes between scrapes. @default 1 */
  readonly step?: number;
  readonly faults?: ScrapeFaults;
  /** [from, to) minutes the DAG is paused. */
  readonly paused?: readonly (readonly [number, number])[];
  /** Tasks running now: task id and [start, end) minutes. */
  readonly tasks?: readonly { readonly taskId: string; readonly from: number; readonly to: number }[];
}

/**
 * The metadata-database exporter's families for one DAG, recomputed from the
 * runs at every minute as the exporter does at every scrape: restarts and gaps
 * change which samples Prometheus has, never the values.
 */
export function exporterSeries(h: DagHistory): InputSeries[] {
  const labels = { dag_id: h.dagId, ...EXPORTER_TARGET };
  const faults = h.faults ?? {};
  const series = (metric: string, l: Readonly<Record<string, string>>, valueAt: (minute: number) => number | undefined) => sampled(metric, l, h.end, valueAt, faults, h.step);
  const finishedBy = (m: number) => h.runs.filter((r) => r.finished <= m);
  const latest = (runs: readonly Run[]) => runs.reduce<Run | undefined>((a, r) => (a === undefined || r.interval > a.interval ? r : a), undefined);
  const lastSuccess = (m: number) => latest(finishedBy(m).filter((r) => r.state === 'success'));
  const lastFinished = (m: number) => latest(finishedBy(m));
  const count = (m: number, state: Run['state']) => finishedBy(m).filter((r) => r.state === state).length;
  const all: (InputSeries | undefined)[] = [
    series('pipewatch_dag_last_success_interval_end_seconds', labels, (m) => mapDefined(lastSuccess(m), (r) => r.interval * 60)),
    series('pipewatch_dag_last_finished_interval_end_seconds', labels, (m) => mapDefined(lastFinished(m), (r) => r.interval * 60)),
    series('pipewatch_dag_last_run_failed', labels, (m) => mapDefined(lastFinished(m), (r) => (r.state === 'failed' ? 1 : 0))),
    series('pipewatch_dag_runs_finished_total', { ...labels, state: 'success' }, (m) => count(m, 'success')),
    series('pipewatch_dag_runs_finished_total', { ...labels, state: 'failed' }, (m) => count(m, 'failed')),
    series('pipewatch_dag_paused', labels, (m) => ((h.paused ?? []).some(([f, t]) => m >= f && m < t) ? 1 : 0)),
    series('pipewatch_airflow_db_up', EXPORTER_TARGET, () => 1),
    ...(h.tasks ?? []).map((t) => series('pipewatch_task_running_since_seconds', { ...labels, task_id: t.taskId }, (m) => (m >= t.from && m < t.to ? t.from * 60 : undefined))),
  ];
  return all.filter((s): s is InputSeries => s !== undefined);
}

const mapDefined = <T, U>(v: T | undefined, f: (v: T) => U): U | undefined => (v === undefined ? undefined : f(v));

/** One data-quality check's failures as StatsD events: minutes at which the check failed. */
export interface CheckFailures {
  readonly dagId: string;
  readonly check: string;
  readonly failedAt: readonly number[];
}

/**
 * statsd_exporter's view: a counter is created by its first event (at 1), lives
 * in memory, and is gone after a restart until its next event. Its own
 * process_start_time_seconds moves at every restart.
 */
export function statsdSeries(checks: readonly CheckFailures[], end: number, restartsAt: readonly number[], faults: ScrapeFaults = {}): InputSeries[] {
  const startOf = (m: number) => Math.max(0, ...restartsAt.filter((r) => r <= m));
  const withRestarts: ScrapeFaults = { ...faults, restarts: [...(faults.restarts ?? []), ...restartsAt] };
  const counters = checks.map((c) =>
    sampled('pipewatch_dq_checks_failed_total', { dag_id: c.dagId, check: c.check, ...STATSD_TARGET }, end, (m) => {
      const since = c.failedAt.filter((f) => f >= startOf(m) && f <= m).length;
      return since === 0 ? undefined : since;
    }, withRestarts),
  );
  const start = sampled('process_start_time_seconds', STATSD_TARGET, end, (m) => startOf(m) * 60, { gaps: faults.gaps });
  return [...counters, start].filter((s): s is InputSeries => s !== undefined);
}
