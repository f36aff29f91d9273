/** Service name of Airflow's spans, and of the step spans its DAGs add (airflow/dags/pipewatch/tracing.py). */
export const AIRFLOW_TRACES_SERVICE = 'airflow';

/** Attributes of the span Airflow 3.1 starts per DAG run (airflow/models/dagrun.py); the Airflow tier checks them. */
export const RUN_SPAN_ATTRIBUTES = { dagId: 'airflow.dag_run.dag_id', runId: 'airflow.dag_run.run_id' } as const;
