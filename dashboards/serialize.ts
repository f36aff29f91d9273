import * as path from 'path';
import { PipelineSpec } from '../content/pipeline/spec';
import { DashboardOptions } from './common';
import { allDashboards } from './index';

/** Where rendered dashboards are committed, relative to the repository root. */
export const GENERATED_DIR = 'dashboards/generated';
export const GENERATED_PATH = path.join(__dirname, 'generated');

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Sorted keys, 2-space indent, trailing newline: the same bytes every time, so diffs show only real changes. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** File name → content for every dashboard: what dashboards/generated must hold. */
export function generatedFiles(specs: readonly PipelineSpec[], options: DashboardOptions = {}): Map<string, string> {
  return new Map(allDashboards(specs, options).map((d) => [`${d.uid}.json`, stableJson(d.json)]));
}
