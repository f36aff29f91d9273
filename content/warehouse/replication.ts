import { toYaml } from '../yaml';

/**
 * Replication lag as pipewatch measures it, whatever the postgres_exporter
 * version: a custom query (`--extend.query-path`, read by 0.11 up to the
 * current releases). 0.11 has no lag metric built in (its example queries
 * file calls one `pg_replication_lag`); 0.13 and later have a collector's
 * `pg_replication_lag_seconds`.
 */
export const REPLICATION_QUERY_NAMESPACE = 'pipewatch_pg_replication';

/** The series the query yields: postgres_exporter names them `<namespace>_<column>`. */
export const REPLICATION_METRICS = {
  lagSeconds: `${REPLICATION_QUERY_NAMESPACE}_lag_seconds`,
  isReplica: `${REPLICATION_QUERY_NAMESPACE}_is_replica`,
} as const;

/**
 * On a replica: seconds since the last transaction it replayed was committed
 * on the primary, or 0 while it streams and has replayed all it received (an
 * idle primary sends nothing, and that is no lag). A replica that stopped
 * streaming ages like one that stopped replaying; one that has replayed no
 * transaction since it started counts from its start. On a primary: 0.
 */
const QUERY = `SELECT
  CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS is_replica,
  CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
      AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE GREATEST(0, EXTRACT(EPOCH FROM now() - COALESCE(pg_last_xact_replay_timestamp(), pg_postmaster_start_time())))
  END AS lag_seconds`;

/** The queries file postgres_exporter reads with --extend.query-path (or PG_EXPORTER_EXTEND_QUERY_PATH). */
export function replicationQueriesFile(): string {
  return toYaml({
    [REPLICATION_QUERY_NAMESPACE]: {
      query: QUERY,
      metrics: [
        { is_replica: { usage: 'GAUGE', description: '1 when the server is a replica (in recovery), 0 on a primary' } },
        { lag_seconds: { usage: 'GAUGE', description: 'Seconds the replica replays behind its primary; 0 while it has replayed all it received' } },
      ],
    },
  });
}
