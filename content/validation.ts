/** Where a bad value was found: a construct (its path is used) or a file location such as `pipelines.yaml: pipelines[1]`. */
export type Where = { readonly node: { readonly path: string } } | string;

/**
 * A bad input found at synth time. The message names the construct path, the
 * property, the value received and how to fix it, so nothing reaches a deploy.
 */
export class PipewatchValidationError extends Error {
  constructor(scope: Where, property: string, value: unknown, fix: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path;
    super(`${path}: invalid ${property} ${JSON.stringify(value)}. ${fix}`);
    this.name = 'PipewatchValidationError';
  }
}

export function invalid(scope: Where, property: string, value: unknown, fix: string): never {
  throw new PipewatchValidationError(scope, property, value, fix);
}

/** A lowercase DNS label: usable in container, network, volume and host names. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function requireDnsLabel(scope: Where, property: string, value: string): string {
  if (!DNS_LABEL.test(value)) {
    invalid(scope, property, value, 'Use 1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. "dev" or "pr-123").');
  }
  return value;
}

export function requirePort(scope: Where, property: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    invalid(scope, property, value, 'Use a whole TCP port number between 1 and 65535.');
  }
  return value;
}

export function requirePositive(scope: Where, property: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    invalid(scope, property, value, 'Use a number greater than zero.');
  }
  return value;
}

/** An absolute http(s) URL without credentials, query or fragment; `example` shows a good one in the error. */
export function requireHttpUrl(scope: Where, property: string, value: string, example: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) {
    invalid(scope, property, value, `Use an absolute http:// or https:// URL without credentials, query or fragment, e.g. ${example}.`);
  }
  return value;
}
