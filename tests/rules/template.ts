/**
 * Expands the few Prometheus template forms pipewatch annotations use, so a
 * test can state the exact annotation an alert must carry. The formatters
 * follow Prometheus's template functions (Go's %.4g, integer-truncated durations).
 */
export function expandTemplate(text: string, labels: Readonly<Record<string, string>>, value: number): string {
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (whole, inner: string) => {
    const label = /^\$labels\.(\w+)$/.exec(inner);
    if (label) return labels[label[1]] ?? '';
    const piped = /^\$value(?:\s*\|\s*(.+))?$/.exec(inner);
    if (!piped) throw new Error(`template form not supported by the test expander: ${whole}`);
    return format(value, piped[1]?.trim());
  });
}

function format(value: number, filter: string | undefined): string {
  switch (filter) {
    case undefined:
      return goFloat(value);
    case 'humanize':
      return humanize(value);
    case 'humanize1024':
      return humanize1024(value);
    case 'humanizePercentage':
      return `${humanize(value * 100)}%`;
    case 'humanizeDuration':
      return humanizeDuration(value);
    case 'humanizeTimestamp':
      return humanizeTimestamp(value);
    case 'printf "%.0f"':
      return value.toFixed(0);
    default:
      throw new Error(`template filter not supported by the test expander: ${filter}`);
  }
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64) for the values tests use. */
function goFloat(value: number): string {
  return String(value);
}

/** Go's %.4g without exponent (tests stay within 1e-4..1e15). */
function g4(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return g4(value);
  const big = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  const small = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let v = value;
  if (Math.abs(v) >= 1) {
    let i = 0;
    while (Math.abs(v) >= 1000 && i < big.length - 1) {
      v /= 1000;
      i++;
    }
    return `${g4(v)}${big[i]}`;
  }
  let i = 0;
  while (Math.abs(v) < 1 && i < small.length - 1) {
    v *= 1000;
    i++;
  }
  return `${g4(v)}${small[i]}`;
}

function humanize1024(value: number): string {
  if (Math.abs(value) <= 1) return g4(value);
  const prefixes = ['', 'ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < prefixes.length - 1) {
    v /= 1024;
    i++;
  }
  return `${g4(v)}${prefixes[i]}`;
}

function humanizeDuration(value: number): string {
  if (value === 0) return '0s';
  const sign = value < 0 ? '-' : '';
  const v = Math.abs(value);
  if (v < 1) return `${sign}${humanize(v)}s`;
  let seconds = Math.trunc(v);
  const days = Math.trunc(seconds / 86400);
  const hours = Math.trunc(seconds / 3600) % 24;
  const minutes = Math.trunc(seconds / 60) % 60;
  seconds %= 60;
  if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
  if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
  if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
  return `${sign}${g4(v)}s`;
}

/** Go's time.Time String() in UTC, as Prometheus 2.42 prints humanizeTimestamp. */
function humanizeTimestamp(value: number): string {
  const iso = new Date(value * 1000).toISOString();
  const [date, time] = iso.split('T');
  const [hms, fraction] = time.replace('Z', '').split('.');
  const nanos = fraction.replace(/0+$/, '');
  return `${date} ${hms}${nanos ? `.${nanos}` : ''} +0000 UTC`;
}
