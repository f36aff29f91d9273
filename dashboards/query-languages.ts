/**
 * PromQL and LogQL checked with the parsers Prometheus and Grafana ship for
 * their editors (lezer grammars), after template variables are substituted.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { substituteVariables } from './template-variables';

type Tree = ReturnType<typeof promqlParser.parse>;
type SyntaxNode = Tree['topNode'];

export type QueryLanguage = 'promql' | 'logql';

export interface SyntaxError {
  /** 0-based offset in the query as written. */
  readonly offset: number;
  /** "line:column", 1-based, for messages. */
  readonly position: string;
  /** The written query around the error. */
  readonly near: string;
}

export interface ParsedQuery {
  readonly errors: readonly SyntaxError[];
  /** Metric names the query selects (PromQL only), from the parse tree. */
  readonly metricNames: readonly string[];
  /** Vector selectors whose metric name is not a literal (e.g. `{__name__=~"a|b"}`), which name checks cannot follow. */
  readonly unnamedSelectors: readonly string[];
}

function position(query: string, offset: number): string {
  const before = query.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

function near(query: string, offset: number): string {
  return query.slice(Math.max(0, offset - 15), offset + 15);
}

function syntaxErrors(tree: Tree, query: string, toOriginal: (offset: number) => number): SyntaxError[] {
  const errors: SyntaxError[] = [];
  tree.iterate({
    enter: (node) => {
      if (!node.type.isError) return;
      const offset = toOriginal(node.from);
      errors.push({ offset, position: position(query, offset), near: near(query, offset) });
    },
  });
  return errors;
}

function unquote(literal: string): string {
  return JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal.startsWith('`') ? JSON.stringify(literal.slice(1, -1)) : literal);
}

/** The metric a vector selector names: `name{…}` or `{__name__="name", …}`. */
function selectorMetricName(selector: SyntaxNode, text: string): string | undefined {
  const identifier = selector.getChild('Identifier');
  if (identifier) return text.slice(identifier.from, identifier.to);
  for (const matcher of selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
    const label = matcher.getChild('LabelName');
    const op = matcher.getChild('MatchOp');
    const value = matcher.getChild('StringLiteral');
    if (label && op && value && text.slice(label.from, label.to) === '__name__' && text.slice(op.from, op.to) === '=') {
      return unquote(text.slice(value.from, value.to));
    }
  }
  return undefined;
}

export function parsePromQL(query: string): ParsedQuery {
  const substituted = substituteVariables(query);
  const text = substituted.text;
  const tree = promqlParser.parse(text);
  const metricNames = new Set<string>();
  const unnamedSelectors: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const name = selectorMetricName(node.node, text);
      if (name === undefined) unnamedSelectors.push(text.slice(node.from, node.to));
      else metricNames.add(name);
    },
  });
  return { errors: syntaxErrors(tree, query, (o) => substituted.originalOffset(o)), metricNames: [...metricNames].sort(), unnamedSelectors };
}

export function parseLogQL(query: string): ParsedQuery {
  const substituted = substituteVariables(query);
  const tree = logqlParser.parse(substituted.text);
  return { errors: syntaxErrors(tree, query, (o) => substituted.originalOffset(o)), metricNames: [], unnamedSelectors: [] };
}

/** Label names the stream selectors of a LogQL query match on (`{a="x", b=~"y"}`), not those of its label filters. */
export function logqlStreamLabels(query: string): string[] {
  const text = substituteVariables(query).text;
  const labels = new Set<string>();
  logqlParser.parse(text).iterate({
    enter: (node) => {
      if (node.name !== 'Selector') return;
      for (const matcher of node.node.getChild('Matchers') ? allMatchers(node.node) : []) {
        const identifier = matcher.getChild('Identifier');
        if (identifier) labels.add(text.slice(identifier.from, identifier.to));
      }
      return false;
    },
  });
  return [...labels].sort();
}

/** Matchers nest (`Matchers` → `Matchers`, `Matcher`), one per label. */
function allMatchers(selector: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  const walk = (node: SyntaxNode): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.name === 'Matcher') found.push(child);
      else if (child.name === 'Matchers') walk(child);
    }
  };
  walk(selector);
  return found;
}

export function parseQuery(language: QueryLanguage, query: string): ParsedQuery {
  return language === 'promql' ? parsePromQL(query) : parseLogQL(query);
}

const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/s;
const QUERY_RESULT = /^\s*query_result\(\s*(.+)\s*\)\s*$/s;

/**
 * The query inside a Grafana variable definition (`label_values(<selector>, label)`
 * or `query_result(<expr>)`); undefined for forms without one, like `label_values(label)`.
 */
export function variableInnerQuery(definition: string): string | undefined {
  return (LABEL_VALUES.exec(definition) ?? QUERY_RESULT.exec(definition))?.[1];
}
