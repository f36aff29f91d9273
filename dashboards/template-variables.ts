/**
 * Grafana template variables inside queries. Parsers do not know `$dag_id` or
 * `$__rate_interval`, so lint swaps each for a value of the right shape first
 * and maps error positions back to the query as written.
 */

/** `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]` or `$name`. */
const VARIABLE_REFERENCE = /\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g;

/** Built-ins that stand for a duration or a number; everything else is substituted as a plain word. */
const BUILT_IN_VALUES: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __auto: '1m',
  __range: '1d',
  __interval_ms: '60000',
  __range_s: '86400',
  __range_ms: '86400000',
};

const PLACEHOLDER = 'variable_value';

interface Replacement {
  readonly from: number;
  readonly to: number;
  readonly substitutedFrom: number;
  readonly substitutedTo: number;
}

export interface SubstitutedQuery {
  readonly text: string;
  /** Offset in the substituted text → offset in the original query. */
  originalOffset(offset: number): number;
}

export function substituteVariables(query: string): SubstitutedQuery {
  const replacements: Replacement[] = [];
  let text = '';
  let last = 0;
  for (const match of query.matchAll(VARIABLE_REFERENCE)) {
    const name = match[1] ?? match[2] ?? match[3];
    const value = BUILT_IN_VALUES[name] ?? PLACEHOLDER;
    text += query.slice(last, match.index);
    replacements.push({ from: match.index!, to: match.index! + match[0].length, substitutedFrom: text.length, substitutedTo: text.length + value.length });
    text += value;
    last = match.index! + match[0].length;
  }
  text += query.slice(last);

  return {
    text,
    originalOffset(offset: number): number {
      let shift = 0;
      for (const r of replacements) {
        if (offset < r.substitutedFrom) break;
        if (offset < r.substitutedTo) return r.from;
        shift = r.to - r.substitutedTo;
      }
      return offset + shift;
    },
  };
}

/** Whether `text` refers to the variable in any of Grafana's syntaxes. */
export function refersToVariable(text: string, name: string): boolean {
  return [...text.matchAll(VARIABLE_REFERENCE)].some((m) => (m[1] ?? m[2] ?? m[3]) === name);
}
