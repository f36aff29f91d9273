import { labelNames, labelValues, Mismatch, SeenFamily } from './live-families';
import { FamilyUse } from './monitoring-usage';

const MAX_VALUES = 6;

function values(family: SeenFamily, label: string): string {
  const all = labelValues(family, label);
  const shown = all.slice(0, MAX_VALUES).join(',');
  return all.length > MAX_VALUES ? `${shown},… (${all.length})` : shown;
}

function seenLine(family: SeenFamily, used: ReadonlySet<string>): string {
  const mark = used.has(family.name) ? 'U' : family.catalog ? 'C' : ' ';
  const labels = labelNames(family).map((l) => `${l}=${values(family, l)}`);
  return `  ${mark} ${family.name}{${labels.join(' ')}}  ${family.series.length} series`;
}

/** The two lists and their comparison, as the check prints them. */
export function formatReport(seen: readonly SeenFamily[], used: readonly FamilyUse[], problems: readonly Mismatch[]): string {
  const usedNames = new Set(used.map((u) => u.family.name));
  const seenNames = new Set(seen.map((f) => f.name));
  const missing = used.filter((u) => !seenNames.has(u.family.name)).map((u) => u.family.name);
  const labelProblems = problems.filter((p) => !missing.includes(p.family));
  return [
    `Airflow and pipeline metric families seen live in Prometheus: ${seen.length}`,
    '  (U = used by the alerts/dashboards, C = in the catalog but unused, blank = neither)',
    ...seen.map((f) => seenLine(f, usedNames)),
    '',
    `Families the monitoring uses (from the generated rules and dashboards): ${used.length}`,
    ...used.map((u) => `  ${u.family.name}{${u.labels.join(',')}}  read by ${u.usedBy.length} rule/panel queries`),
    '',
    `Missing families: ${missing.length}${missing.length ? ` — ${missing.join(', ')}` : ''}`,
    `Used labels missing or wrong on a seen family: ${labelProblems.length}`,
    ...labelProblems.map((p) => `  ${p.family}: ${p.problem}`),
    '',
  ].join('\n');
}
