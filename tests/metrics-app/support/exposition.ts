/** A metric family as read back from Prometheus text exposition. */
export interface ExposedFamily {
  readonly name: string;
  readonly type: string;
  /** Label names of its samples, without the `quantile`/`le` the type adds, nor empty labels (Prometheus drops them on ingestion). */
  readonly labels: readonly string[];
  readonly samples: number;
}

/**
 * Reads families, types and label names from text exposition. Samples named
 * `<family>_sum`, `_count` or `_bucket` belong to their summary or histogram.
 */
export function parseExposition(text: string): Map<string, ExposedFamily> {
  const types = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const typeLine = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typeLine) {
      types.set(typeLine[1], typeLine[2]);
      labels.set(typeLine[1], new Set());
      samples.set(typeLine[1], 0);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const family = familyOf(sample[1], types);
    for (const [, name, value] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      if (name !== 'quantile' && name !== 'le' && value !== '') labels.get(family)!.add(name);
    }
    samples.set(family, samples.get(family)! + 1);
  }
  return new Map(
    [...types].map(([name, type]) => [name, { name, type, labels: [...labels.get(name)!].sort(), samples: samples.get(name)! }]),
  );
}

function familyOf(sampleName: string, types: ReadonlyMap<string, string>): string {
  if (types.has(sampleName)) return sampleName;
  const base = sampleName.replace(/_(sum|count|bucket)$/, '');
  if (types.has(base)) return base;
  throw new Error(`sample ${sampleName} has no # TYPE line`);
}

/** The value of the sample of `name` with exactly `labels` (empty labels count as absent), or undefined when there is none. */
export function sampleValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const found = [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].filter(([, , value]) => value !== '').map(([, label, value]) => [label, value]);
    if (JSON.stringify(found.sort()) === wanted) return Number(sample[3]);
  }
  return undefined;
}
