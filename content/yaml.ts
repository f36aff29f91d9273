import { stringify } from 'yaml';

/** YAML with stable formatting: no line folding, so diffs of synthesized output stay readable. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
