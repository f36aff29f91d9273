/**
 * Events counted from StatsD counters that statsd_exporter keeps in memory
 * (data-quality check failures sent by the DAG helpers). Three things break
 * the naive `increase(x[1h]) > 0`:
 *
 * - a counter is created by its first event, at 1: increase() never sees it;
 * - statsd_exporter restarts (every deploy of its mapping) drop every series:
 *   a check that stood at 1 and fails again after the restart reads 1 → 1;
 * - after a scrape gap longer than the window, a rule that calls "no sample
 *   a window ago" new (`x unless x offset 1h`) pages for every old series.
 *
 * So the value now is compared with the value at the start of the window:
 *
 * - higher than it: the difference happened in the window;
 * - none, or a lower one: the series was (re)created in the window, and all
 *   of its value is new;
 * - statsd_exporter started within the window: every series it has now was
 *   created by an event after its start, so all of its value is new;
 * - Prometheus had no scrape of statsd_exporter at the window start (a gap):
 *   the last value seen before it, looked up over `history`, stands in, so
 *   old series do not page after a long gap and a failure during it does.
 */
export interface EventCountOptions {
  /** The counter selector, e.g. `pipewatch_dq_checks_failed_total{dag_id="x"}`. */
  readonly counter: string;
  /** Labels that identify one counter, e.g. `dag_id, check`. */
  readonly by: string;
  /** The event window, e.g. `1h`. */
  readonly window: string;
  /** How far before the window an old value is looked for. */
  readonly history: string;
  /** Start time of the process that holds the counter, e.g. `process_start_time_seconds{job="statsd-exporter"}`. */
  readonly processStart: string;
  /** The window in seconds, for the restart test. */
  readonly windowSeconds: number;
}

export function eventsInWindow(o: EventCountOptions): string {
  const now = `sum by (${o.by}) (${o.counter})`;
  const atStart = `sum by (${o.by}) (${o.counter} offset ${o.window})`;
  const lastSeen = `sum by (${o.by}) (last_over_time(${o.counter}[${o.history}] offset ${o.window}))`;
  const scrapedAtStart = `max(${o.processStart} offset ${o.window})`;
  const before = `(${atStart} or (${lastSeen} unless on () ${scrapedAtStart}))`;
  const restarted = `max(${o.processStart}) > time() - ${o.windowSeconds}`;
  return [`(${now} and on () (${restarted}))`, `(${now} - ${before} > 0)`, `(${now} unless on (${o.by}) (${before} <= ${now}))`].join(' or ');
}
