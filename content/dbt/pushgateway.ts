import { ScrapeJob } from '../prometheus/config';

/** The Pushgateway dbt invocations push their metrics to: network alias and port inside the stack. */
export const PUSHGATEWAY = { service: 'pushgateway', port: 9091 } as const;

/** Where the Pushgateway keeps pushed groups on disk, so a restart serves the same metrics. */
export const PUSHGATEWAY_PERSISTENCE_FILE = '/pushgateway/metrics.db';
/** How often it writes that file: a crash loses at most this much of the latest pushes. */
export const PUSHGATEWAY_PERSISTENCE_INTERVAL = '30s';

/**
 * The scrape job of the Pushgateway. honor_labels keeps the pushed `job`
 * ("dbt") and group labels instead of replacing them with the scrape's own.
 */
export function pushgatewayScrapeJob(target: string): ScrapeJob {
  return { job: PUSHGATEWAY.service, targets: [target], honorLabels: true };
}

/** Command-line flags of the Pushgateway, for the container and the test tier alike. */
export function pushgatewayFlags(persistenceFile: string, listenAddress: string): string[] {
  return [`--web.listen-address=${listenAddress}`, `--persistence.file=${persistenceFile}`, `--persistence.interval=${PUSHGATEWAY_PERSISTENCE_INTERVAL}`];
}
