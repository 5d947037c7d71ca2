import { LiveClient } from './live-client';

/** A renter: a session cookie taken from the server, used for the API and the socket. */
export class Renter {
  private constructor(
    readonly cookie: string,
    /** The Origin its pages have when the site's PUBLIC_URL is not the node's own address; else each request's base. */
    readonly origin?: string,
  ) {}

  /** A renter whose cookie the test already has (one signed in, say), on a site whose pages are at `origin`. */
  static of(cookie: string, origin?: string): Renter {
    return new Renter(cookie, origin);
  }

  static async visit(base: string): Promise<Renter> {
    const res = await fetch(`${base}/api/saved-searches`);
    const set = res.headers.get('set-cookie') ?? '';
    const m = /roost_session=([^;]+)/.exec(set);
    if (!m) throw new Error(`no session cookie issued: ${set}`);
    return new Renter(`roost_session=${m[1]}`);
  }

  /** A request from the renter's browser on the site `base`: the cookie, and the site's own Origin on writes, as a browser sends it. */
  api(base: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    const method = init.method ?? 'GET';
    return fetch(`${base}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        ...(method !== 'GET' && method !== 'HEAD' ? { origin: this.origin ?? base } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  }

  socket(base: string): Promise<LiveClient> {
    return LiveClient.connect(base, { cookie: this.cookie });
  }
}
