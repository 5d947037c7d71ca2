import { LiveClient } from './live-client';

/** A renter: a session cookie taken from the server, used for the API and the socket. */
export class Renter {
  private constructor(readonly cookie: string) {}

  static async visit(base: string): Promise<Renter> {
    const res = await fetch(`${base}/api/saved-searches`);
    const set = res.headers.get('set-cookie') ?? '';
    const m = /roost_session=([^;]+)/.exec(set);
    if (!m) throw new Error(`no session cookie issued: ${set}`);
    return new Renter(`roost_session=${m[1]}`);
  }

  api(base: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: this.cookie, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  }

  socket(base: string): Promise<LiveClient> {
    return LiveClient.connect(base, { cookie: this.cookie });
  }
}
