import { stringify } from 'yaml';
import { RuleGroup } from './types';

/** A Prometheus rule file (`groups:` YAML) for the given groups, in declaration order. */
export function renderRuleFile(groups: readonly RuleGroup[]): string {
  // lineWidth 0: PromQL stays on the lines it was written on, so diffs of synthesized output are readable.
  return stringify({ groups }, { lineWidth: 0, aliasDuplicateObjects: false });
}
