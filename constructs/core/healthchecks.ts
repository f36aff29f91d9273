import { ContainerHealthcheck } from '@cdktf/provider-docker/lib/container';

/** Timing shared by every service; start period covers slow first starts (migrations, WAL replay). */
export interface HealthTiming {
  /** @default 15s */
  readonly intervalSeconds?: number;
  /** @default 5s */
  readonly timeoutSeconds?: number;
  /** @default 5 */
  readonly retries?: number;
  /** @default 30s */
  readonly startPeriodSeconds?: number;
}

export function healthcheck(test: string[], timing: HealthTiming = {}): ContainerHealthcheck {
  return {
    test,
    interval: `${timing.intervalSeconds ?? 15}s`,
    timeout: `${timing.timeoutSeconds ?? 5}s`,
    retries: timing.retries ?? 5,
    startPeriod: `${timing.startPeriodSeconds ?? 30}s`,
  };
}

/** HTTP probe with busybox/alpine `wget` (Prometheus-family, Grafana, Loki and cAdvisor images ship it). */
export function wgetProbe(url: string, timing?: HealthTiming): ContainerHealthcheck {
  return healthcheck(['CMD', 'wget', '--quiet', '--tries=1', '--spider', url], timing);
}

/** HTTP probe with `curl` (the Airflow image ships it). */
export function curlProbe(url: string, timing?: HealthTiming): ContainerHealthcheck {
  return healthcheck(['CMD', 'curl', '--fail', '--silent', '--max-time', '4', url], timing);
}

export function commandProbe(command: string, timing?: HealthTiming): ContainerHealthcheck {
  return healthcheck(['CMD-SHELL', command], timing);
}
