import { parseSchedule, ScheduleSyntaxError } from '../content/pipeline/schedule';

/**
 * The Unix time of a pipeline's most recent scheduled run, as a PromQL scalar,
 * so dashboards can show the time left before its deadline. The schedule is
 * read by the same parser as the deadline alert, so panel and alert agree on
 * when a run was due (UTC). Schedules without a fixed period (monthly, weekdays
 * only…) and unparsable ones have no such expression: undefined.
 */
export function lastScheduledRunExpr(schedule: string): string | undefined {
  let parsed;
  try {
    parsed = parseSchedule(schedule);
  } catch (e) {
    if (e instanceof ScheduleSyntaxError) return undefined;
    throw e;
  }
  if (parsed.kind !== 'periodic') return undefined;
  const { periodSeconds, offsetSeconds } = parsed;
  // Scalar arithmetic only: floor() takes vectors, `%` works on the scalar time().
  return offsetSeconds === 0 ? `(time() - time() % ${periodSeconds})` : `(time() - (time() - ${offsetSeconds}) % ${periodSeconds})`;
}
