import { seriesNames } from '../../content/metrics/catalog';
import { FamilyUse } from './monitoring-usage';

/** How the Airflow exporter serves one family the monitoring reads. */
export interface ServedFamily {
  readonly name: string;
  /** Samples on /metrics now. */
  readonly samples: number;
  /** Labels the monitoring uses that no sample carries. */
  readonly missingLabels: readonly string[];
  /** Declared with # HELP (prom-client declares a family even while it has no sample). */
  readonly declared: boolean;
}

/** Labels Prometheus attaches to every scraped series: no exporter serves them. */
const TARGET_LABELS = ['job', 'instance'];

/** Each used family as the exporter's exposition serves it. */
export function servedFamilies(exposition: string, used: readonly FamilyUse[]): ServedFamily[] {
  return used.map(({ family, labels }) => {
    const names = seriesNames(family);
    const samples = exposition.split('\n').filter((line) => names.some((n) => line.startsWith(`${n}{`) || line.startsWith(`${n} `)));
    const carried = new Set(samples.flatMap((line) => [...line.matchAll(/([a-zA-Z_]\w*)="/g)].map((m) => m[1])));
    return {
      name: family.name,
      samples: samples.length,
      missingLabels: samples.length === 0 ? [] : labels.filter((l) => !carried.has(l) && !TARGET_LABELS.includes(l)),
      declared: exposition.includes(`# HELP ${family.name} `),
    };
  });
}
