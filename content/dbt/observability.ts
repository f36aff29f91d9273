import { RecordingRule, RuleGroup } from '../rules/types';

/**
 * Data observability beyond fixed thresholds, as recording rules any team can
 * read and alert on: each dataset's signal against the same hour of the past
 * four weeks (a weekly rhythm, weekends included, is normal; a break from it
 * is not), as a mean, a spread, a band and a z-score.
 */
export const BASELINE_WEEKS = 4;
/** |z| past this is an anomaly; the band is mean ± this many spreads. */
export const ANOMALY_Z = 3;
const WEEK_SECONDS = 7 * 86400;

/** The records of one signal, named `<level>:<metric>:<operation>`. */
export interface BaselineRecords {
  readonly current: string;
  readonly mean: string;
  readonly stddev: string;
  readonly zscore: string;
  readonly lowerBand: string;
  readonly upperBand: string;
}

function baselineRecords(level: string, metric: string): BaselineRecords {
  const name = (operation: string) => `${level}:${metric}:${operation}`;
  return {
    current: name('current'),
    mean: name(`mean_same_hour_${BASELINE_WEEKS}w`),
    stddev: name(`stddev_same_hour_${BASELINE_WEEKS}w`),
    zscore: name(`zscore_same_hour_${BASELINE_WEEKS}w`),
    lowerBand: name(`lower_band_${BASELINE_WEEKS}w`),
    upperBand: name(`upper_band_${BASELINE_WEEKS}w`),
  };
}

/**
 * Mean and standard deviation of the signal at the same hour in each of the
 * past weeks, the z-score of its current value and the band. The spread
 * never falls below `floor` plus 5% of the mean: a perfectly regular dataset
 * must not flag a change of one row. All weeks must have data, else there is
 * no baseline yet and nothing is judged.
 */
function baselineRules(records: BaselineRecords, current: string, weeksAgo: (week: number) => string, floor: number): RecordingRule[] {
  const weeks = Array.from({ length: BASELINE_WEEKS }, (_, i) => `(${weeksAgo(i + 1)})`);
  const spread = `(${records.stddev} + 0.05 * ${records.mean} + ${floor})`;
  return [
    { record: records.current, expr: current },
    { record: records.mean, expr: `(${weeks.join(' + ')}) / ${BASELINE_WEEKS}` },
    { record: records.stddev, expr: `sqrt((${weeks.map((w) => `(${w} - ${records.mean}) ^ 2`).join(' + ')}) / ${BASELINE_WEEKS})` },
    { record: records.zscore, expr: `(${records.current} - ${records.mean}) / ${spread}` },
    { record: records.lowerBand, expr: `${records.mean} - ${ANOMALY_Z} * ${spread}` },
    { record: records.upperBand, expr: `${records.mean} + ${ANOMALY_Z} * ${spread}` },
  ];
}

const MODEL = 'project, target, model';
const SOURCE = 'project, target, source, table';

/** Rows a model's latest run wrote (tables report them; views do not). */
export const VOLUME = baselineRecords('project_model', 'dbt_rows_affected');
/** How long ago a source's newest row was loaded. */
export const FRESHNESS = baselineRecords('project_source', 'dbt_source_age_seconds');
/** Column changes of a model's warehouse table in the past hour: schema changes as events. */
export const SCHEMA_CHANGES = 'project_model:dbt_schema_changes:changes1h';

export function dataObservabilityGroup(): RuleGroup {
  const rows = (offset: string) => `max by (${MODEL}) (max_over_time(dbt_model_rows_affected[1h]${offset}))`;
  const loadedAt = (offset: string) => `max by (${SOURCE}) (last_over_time(dbt_source_max_loaded_at_timestamp_seconds[10m]${offset}))`;
  return {
    name: 'pipewatch-data-observability',
    rules: [
      // Same hour: the latest run within the hour before now, and before now minus i weeks.
      ...baselineRules(VOLUME, rows(''), (i) => rows(` offset ${i}w`), 1),
      ...baselineRules(FRESHNESS, `time() - ${loadedAt('')}`, (i) => `time() - ${i * WEEK_SECONDS} - ${loadedAt(` offset ${i}w`)}`, 60),
      { record: SCHEMA_CHANGES, expr: `max by (${MODEL}) (changes(dbt_model_schema_fingerprint[1h]))` },
    ],
  };
}
