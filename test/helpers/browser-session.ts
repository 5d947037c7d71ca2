import { LiveClient } from './live-client';

/**
 * One browser's view of the site for API tests: a cookie jar of one (the session cookie,
 * replaced when the server sets a new one, as at sign-in) and the site's own Origin on
 * every write, as a browser sends them.
 */
export class BrowserSession {
  cookie = '';

  constructor(
    readonly base: string,
    /** The Origin this browser's pages have; another site's, to test what a forged request gets. */
    readonly origin: string = base,
  ) {}

  async api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: Buffer | string } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(method !== 'GET' && method !== 'HEAD' ? { origin: this.origin } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : init.raw !== undefined ? { body: typeof init.raw === "string" ? init.raw : new Uint8Array(init.raw) } : {}),
    });
    const set = res.headers.get('set-cookie');
    const m = set ? /roost_session=([^;]*)/.exec(set) : null;
    if (m) this.cookie = m[1] ? `roost_session=${m[1]}` : '';
    return res;
  }

  async json<T = any>(path: string, init: Parameters<BrowserSession['api']>[1] = {}): Promise<{ status: number; body: T }> {
    const res = await this.api(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  socket(): Promise<LiveClient> {
    return LiveClient.connect(this.base, this.cookie ? { cookie: this.cookie } : {});
  }
}
