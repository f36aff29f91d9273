/** Small JSON-over-HTTP helpers; a non-2xx answer is an error that quotes the body. */

async function checked(response: Response, method: string, url: string): Promise<Response> {
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
  return response;
}

export async function getText(url: string): Promise<string> {
  return (await checked(await fetch(url), 'GET', url)).text();
}

export async function getJson<T = any>(url: string): Promise<T> {
  return (await checked(await fetch(url), 'GET', url)).json() as Promise<T>;
}

export async function sendJson<T = any>(method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T> {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
  const text = await (await checked(await fetch(url, init), method, url)).text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Whether `url` answers 200 right now. */
export async function isOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** The value of one unlabelled sample (or the sum of a labelled family) in a text exposition. */
export function sampleSum(exposition: string, name: string, labelFilter: (labels: string) => boolean = () => true): number {
  let sum = 0;
  for (const match of exposition.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\S+)$`, 'gm'))) {
    if (labelFilter(match[1] ?? '')) sum += Number(match[2]);
  }
  return sum;
}
