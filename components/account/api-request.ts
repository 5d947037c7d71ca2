/** An API error as the contract writes it, carried to the page: its code, message and field. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * One same-origin API call: JSON in and out, the session cookie riding along, errors as
 * RequestError. The browser adds our Origin to writes, which the server requires.
 */
export async function request<T>(path: string, init: { method?: string; body?: unknown; raw?: Blob; type?: string } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : init.type ? { 'content-type': init.type } : {},
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : init.raw ? { body: init.raw } : {}),
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; field?: string } } | null;
  if (!res.ok) throw new RequestError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`, body?.error?.field);
  return body as T;
}
