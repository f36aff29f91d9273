import { SERVICE_PORTS } from '../../content/endpoints';
import { lokiOtlpLimits } from '../../content/logs/loki-otlp';

export interface LokiConfigModel {
  readonly retentionDays: number;
  readonly dataDir: string;
}

/**
 * Single-binary Loki on the local filesystem, with retention enforced by the compactor; logs arrive on
 * its OTLP endpoint (/otlp), which needs structured metadata for the attributes it does not index.
 */
export function renderLokiConfig(m: LokiConfigModel): object {
  return {
    auth_enabled: false,
    server: { http_listen_port: SERVICE_PORTS.loki, grpc_listen_port: 9095, log_level: 'warn' },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: m.dataDir,
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: { filesystem: { chunks_directory: `${m.dataDir}/chunks`, rules_directory: `${m.dataDir}/rules` } },
    },
    schema_config: {
      configs: [{ from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    limits_config: { retention_period: `${m.retentionDays * 24}h`, allow_structured_metadata: true, otlp_config: lokiOtlpLimits() },
    compactor: { working_directory: `${m.dataDir}/compactor`, retention_enabled: true, delete_request_store: 'filesystem' },
    analytics: { reporting_enabled: false },
  };
}
