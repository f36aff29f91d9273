/**
 * `npm run dashboards:diff -- <base-ref> [<head-ref>]`: prints the panel-level
 * Markdown summary of dashboards/generated between two git revisions (head
 * defaults to the working tree), ready to paste into a pull request comment.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DashboardSet, diffDashboards, diffToMarkdown } from './diff';
import type { DashboardJson } from '../content/grafana/dashboard-json';
import { GENERATED_DIR } from './serialize';

function git(repo: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function parse(file: string, text: string): DashboardJson {
  try {
    return JSON.parse(text) as DashboardJson;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The generated dashboards as committed at `ref`; empty when the folder did not exist yet. */
export function dashboardsAtRef(repo: string, ref: string): DashboardSet {
  try {
    git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`"${ref}" is not a commit in ${repo}; pass a branch, tag or commit such as origin/main`);
  }
  const paths = git(repo, ['ls-tree', '--name-only', ref, `${GENERATED_DIR}/`])
    .split('\n')
    .filter((p) => p.endsWith('.json'));
  return new Map(paths.map((p) => [path.posix.basename(p), parse(`${ref}:${p}`, git(repo, ['show', `${ref}:${p}`]))]));
}

export function dashboardsInWorkingTree(repo: string): DashboardSet {
  const dir = path.join(repo, GENERATED_DIR);
  if (!fs.existsSync(dir)) return new Map();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  return new Map(files.map((f) => [f, parse(path.join(GENERATED_DIR, f), fs.readFileSync(path.join(dir, f), 'utf8'))]));
}

/** The Markdown review summary between two revisions of `repo` (head: working tree when omitted). */
export function dashboardChangesMarkdown(repo: string, baseRef: string, headRef?: string): string {
  const base = dashboardsAtRef(repo, baseRef);
  const head = headRef === undefined ? dashboardsInWorkingTree(repo) : dashboardsAtRef(repo, headRef);
  return diffToMarkdown(diffDashboards(base, head));
}

const USAGE = 'usage: npm run dashboards:diff -- <base-ref> [<head-ref>]   (head defaults to the working tree)';

function main(argv: readonly string[]): number {
  const refs = argv.filter((a) => a !== '--');
  if (refs.length < 1 || refs.length > 2 || refs.some((r) => r.startsWith('-'))) {
    console.error(USAGE);
    return 2;
  }
  try {
    const repo = git(process.cwd(), ['rev-parse', '--show-toplevel']).trim();
    process.stdout.write(dashboardChangesMarkdown(repo, refs[0], refs[1]));
    return 0;
  } catch (e) {
    const err = e as Error & { stderr?: string };
    console.error(`dashboards:diff failed: ${err.stderr?.trim() || err.message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
