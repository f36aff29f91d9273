import { z } from 'zod';
import { PipelineSpec } from '../../content/pipeline/spec';

/** What a scenario does to a pipeline until it is recovered. */
export const SCENARIO_KINDS = {
  fail: 'every run fails: a task fails all its tries, the tasks after it are upstream_failed',
  slow: 'task durations are multiplied by `factor` (default 4): deadlines are missed, durations regress',
  stale: 'no new runs start (a paused or forgotten DAG): only freshness shows it',
  dq_drop: 'runs succeed but data-quality checks fail, completeness drops and schema violations rise',
  hang: 'a task (the first, or `taskId`) of the next run stays running, so no later run starts; it finishes when recovered',
} as const;

export type ScenarioKind = keyof typeof SCENARIO_KINDS;

export const DEFAULT_SLOW_FACTOR = 4;

export interface Scenario {
  readonly dagId: string;
  readonly kind: ScenarioKind;
  /** Duration multiplier; only for `slow`. */
  readonly factor?: number;
  /** The task that hangs; only for `hang`, default the DAG's first task. */
  readonly taskId?: string;
}

export interface ActiveScenario extends Scenario {
  /** Wall-clock time the scenario was set. */
  readonly since: string;
}

const dagId = z.string().min(1, 'dagId must not be empty');

/** Body of POST /scenarios, also the shape of each SIM_SCENARIOS entry. */
const scenarioRequestSchema = z.discriminatedUnion('kind', [
  z.object({ dagId, kind: z.literal('fail') }).strict(),
  z.object({ dagId, kind: z.literal('slow'), factor: z.number().min(1).max(100).optional() }).strict(),
  z.object({ dagId, kind: z.literal('stale') }).strict(),
  z.object({ dagId, kind: z.literal('dq_drop') }).strict(),
  z.object({ dagId, kind: z.literal('hang'), taskId: z.string().min(1).optional() }).strict(),
]);

/** A scenario request that is malformed (`invalid`) or names a pipeline that is not simulated (`unknown-dag`). */
export class ScenarioError extends Error {
  constructor(
    readonly reason: 'invalid' | 'unknown-dag',
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** Parses an untrusted scenario request into a Scenario, or throws ScenarioError listing every problem. */
export function parseScenario(input: unknown): Scenario {
  const parsed = scenarioRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScenarioError('invalid', `invalid scenario; send {"dagId": "<dag id>", "kind": one of ${Object.keys(SCENARIO_KINDS).join(', ')}}`, describeIssues(parsed.error));
  }
  return parsed.data;
}

/** zod's issues as `path: message` lines for an error reply. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

/** The scenarios in force, at most one per pipeline; the model reads it at every decision. */
export class ScenarioBook {
  private readonly active = new Map<string, ActiveScenario>();
  private readonly specs: ReadonlyMap<string, PipelineSpec>;

  constructor(
    pipelines: readonly PipelineSpec[],
    private readonly nowIso: () => string,
  ) {
    this.specs = new Map(pipelines.map((p) => [p.dagId, p]));
  }

  /** Sets (or replaces) the scenario for its pipeline. */
  set(scenario: Scenario): ActiveScenario {
    const spec = this.specs.get(scenario.dagId);
    if (!spec) {
      throw new ScenarioError('unknown-dag', `unknown dagId "${scenario.dagId}"`, [`simulated pipelines: ${this.knownDagIds()}`]);
    }
    if (scenario.kind === 'dq_drop' && (spec.dataQualityChecks ?? []).length === 0) {
      const withChecks = [...this.specs.values()].filter((p) => (p.dataQualityChecks ?? []).length > 0).map((p) => p.dagId);
      throw new ScenarioError('invalid', `pipeline "${scenario.dagId}" has no dataQualityChecks, so dq_drop has nothing to drop`, [
        `pipelines with checks: ${withChecks.join(', ') || 'none'}`,
      ]);
    }
    if (scenario.taskId !== undefined && !spec.tasks.some((t) => t.taskId === scenario.taskId)) {
      throw new ScenarioError('invalid', `pipeline "${scenario.dagId}" has no task "${scenario.taskId}"`, [`its tasks: ${spec.tasks.map((t) => t.taskId).join(', ')}`]);
    }
    const entry: ActiveScenario = { ...scenario, since: this.nowIso() };
    this.active.set(scenario.dagId, entry);
    return entry;
  }

  /** Recovers the pipeline; returns the scenario that was in force, if any. */
  clear(dagIdToRecover: string): ActiveScenario | undefined {
    if (!this.specs.has(dagIdToRecover)) {
      throw new ScenarioError('unknown-dag', `unknown dagId "${dagIdToRecover}"`, [`simulated pipelines: ${this.knownDagIds()}`]);
    }
    const previous = this.active.get(dagIdToRecover);
    this.active.delete(dagIdToRecover);
    return previous;
  }

  get(dagIdToCheck: string): ActiveScenario | undefined {
    return this.active.get(dagIdToCheck);
  }

  list(): ActiveScenario[] {
    return [...this.active.values()];
  }

  private knownDagIds(): string {
    const ids = [...this.specs.keys()];
    return ids.length > 20 ? `${ids.slice(0, 20).join(', ')} and ${ids.length - 20} more` : ids.join(', ');
  }
}
