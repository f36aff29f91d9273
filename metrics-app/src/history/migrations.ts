/** Schema changes of the run-history database, applied in order, each once. Never edit a shipped one: add the next. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create pipeline_runs',
    sql: `
      CREATE TABLE pipeline_runs (
        simulation_id    text NOT NULL,
        dag_id           text NOT NULL,
        run_id           text NOT NULL,
        state            text NOT NULL CHECK (state IN ('success', 'failed')),
        scheduled_at     timestamptz NOT NULL,
        started_at       timestamptz NOT NULL,
        finished_at      timestamptz NOT NULL,
        duration_seconds double precision NOT NULL,
        rows_processed   bigint NOT NULL,
        task_retries     integer NOT NULL,
        failed_task_id   text,
        dq_checks_failed integer NOT NULL,
        scenario         text,
        recorded_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (simulation_id, dag_id, run_id)
      );
      CREATE INDEX pipeline_runs_dag_finished ON pipeline_runs (dag_id, finished_at DESC);
      CREATE INDEX pipeline_runs_finished ON pipeline_runs (finished_at DESC);
    `,
  },
];
