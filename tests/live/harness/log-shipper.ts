import { existsSync, readFileSync } from 'fs';
import { sendJson } from './http';
import { ManagedProcess } from './processes';

/** The `environment` label the live stack's logs carry (the Docker stack uses its environment name). */
export const LIVE_ENVIRONMENT = 'live';
/** Lines of each log sent per shipment. */
const TAIL_LINES = 200;

/**
 * Stands in for Alloy, which the tier does not run: pushes the tail of each
 * server's log file to Loki as one stream with the labels Alloy's container
 * pipeline gives a container's logs (constructs/loki/shipping.ts): job
 * "containers", container, service and environment. Lines are stamped with
 * the shipping time, so `[$__interval]` windows ending now see them.
 */
export async function shipLogs(lokiUrl: string, processes: readonly ManagedProcess[]): Promise<number> {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const streams = processes
    .filter((p) => existsSync(p.spec.logFile))
    .map((p) => {
      const lines = readFileSync(p.spec.logFile, 'utf8').split('\n').filter(Boolean).slice(-TAIL_LINES);
      return {
        stream: { job: 'containers', environment: LIVE_ENVIRONMENT, container: `${LIVE_ENVIRONMENT}-${p.spec.name}`, service: p.spec.name },
        values: lines.map((line, i) => [String(nowNs - BigInt(lines.length - i) * 1_000_000n), line]),
      };
    })
    .filter((s) => s.values.length > 0);
  await sendJson('POST', `${lokiUrl}/loki/api/v1/push`, { streams });
  return streams.reduce((n, s) => n + s.values.length, 0);
}
