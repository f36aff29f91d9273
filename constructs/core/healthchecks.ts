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
    interval: goDuration(timing.intervalSeconds ?? 15),
    timeout: goDuration(timing.timeoutSeconds ?? 5),
    retries: timing.retries ?? 5,
    startPeriod: goDuration(timing.startPeriodSeconds ?? 30),
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

/** Seconds as the engine reports them back (Go's format, "1m0s" for 60): otherwise every plan shows drift. */
function goDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${seconds % 60}s` : `${seconds}s`;
}
