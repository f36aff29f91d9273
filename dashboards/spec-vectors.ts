/**
 * Pipeline specs turned into PromQL: one sample per pipeline (or per check)
 * carrying the spec's own target, so a single query can compare every pipeline
 * with its own staleness limit, deadline or SLO instead of one panel each.
 */
import { PipelineSpec } from '../content/pipeline/spec';

export interface ConstantSample {
  readonly labels: Readonly<Record<string, string>>;
  /** A number or a PromQL scalar expression such as `time() - 3600`. */
  readonly value: string | number;
}

function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `label_replace(vector(v), "k", "x", "", "")` adds a constant label to a bare number. */
function sampleExpr({ labels, value }: ConstantSample): string {
  return Object.entries(labels).reduce((expr, [name, labelValue]) => `label_replace(${expr}, ${quoted(name)}, ${quoted(labelValue)}, "", "")`, `vector(${value})`);
}

/** The samples joined with `or` (their label sets differ, so all survive), or undefined when there are none. */
export function constantVector(samples: readonly ConstantSample[]): string | undefined {
  if (samples.length === 0) return undefined;
  return `(${samples.map(sampleExpr).join(' or ')})`;
}

/** One sample per pipeline that has a value, labelled `dag_id`. */
export function perPipeline(specs: readonly PipelineSpec[], value: (spec: PipelineSpec) => string | number | undefined): string | undefined {
  return constantVector(
    specs.flatMap((spec) => {
      const v = value(spec);
      return v === undefined ? [] : [{ labels: { dag_id: spec.dagId }, value: v }];
    }),
  );
}

/** A one-sample vector labelled with the selected `$dag_id`, to narrow spec vectors to the chosen pipeline. */
export const SELECTED_DAG = 'label_replace(vector(1), "dag_id", "$dag_id", "", "")';

