/**
 * A small typed model of Alloy's configuration syntax (blocks, attributes,
 * references), so the log shipper's config is built from objects like every
 * other config instead of being written as a template string.
 */
export class AlloyRef {
  constructor(readonly expression: string) {}
}

export type AlloyValue = string | number | boolean | AlloyRef | readonly AlloyValue[] | { readonly [key: string]: AlloyValue };

export interface AlloyBlock {
  readonly name: string;
  readonly label?: string;
  readonly attributes?: Readonly<Record<string, AlloyValue>>;
  readonly blocks?: readonly AlloyBlock[];
}

export const ref = (expression: string) => new AlloyRef(expression);

function value(v: AlloyValue, indent: string): string {
  if (v instanceof AlloyRef) return v.expression;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => value(x, indent)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, AlloyValue>);
  if (entries.length === 0) return '{}';
  const inner = entries.map(([k, x]) => `${indent}  ${JSON.stringify(k)} = ${value(x, indent + '  ')},`).join('\n');
  return `{\n${inner}\n${indent}}`;
}

function block(b: AlloyBlock, indent: string): string {
  const head = b.label === undefined ? b.name : `${b.name} ${JSON.stringify(b.label)}`;
  const attrs = Object.entries(b.attributes ?? {}).map(([k, v]) => `${indent}  ${k} = ${value(v, indent + '  ')}`);
  const children = (b.blocks ?? []).map((c) => block(c, indent + '  '));
  return `${indent}${head} {\n${[...attrs, ...children].join('\n')}\n${indent}}`;
}

export function renderAlloy(blocks: readonly AlloyBlock[]): string {
  return blocks.map((b) => block(b, '')).join('\n\n') + '\n';
}
