/**
 * Property-based fuzzing of every HTTP endpoint's parameters and bodies and every
 * WebSocket frame type (fast-check; 10,400 cases a run): never a 5xx, never a crash,
 * every refusal the contract's 4xx JSON, and every 400 naming a field.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Renter } from './helpers/renter';
import { startApi, tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();
const RUNS = 1_300; // × 8 properties

/** Values that break parsers: numbers of every kind, odd strings, nothing at all. */
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', '-0', '1e309', 'NaN', 'Infinity', '0x1f', '1,2', '1,2,3,4', '-180,-90,180,90', '%00', '..', '__proto__', 'constructor', 'null', '[]', '{}', 'entire,entire', 'castle'),
  fc.double().map(String),
  fc.integer().map(String),
  fc.array(fc.double({ min: -400, max: 400, noNaN: true }), { minLength: 3, maxLength: 10 }).map((a) => a.join(',')),
);

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(null, [], {}, 0, -1, 1e308, '', 'x'.repeat(600), { __proto__: { polluted: true } }),
  fc.double(),
);

function queryOf(names: string[]) {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), nasty), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
}

/** A listing with each field kept, dropped or replaced by something hostile. */
const listingBody = fc.record(
  {
    id: fc.oneof(fc.constantFrom('fz-1', 'fz-2'), jsonish),
    title: fc.oneof(fc.constant('Fuzz home'), jsonish),
    lat: fc.oneof(fc.double({ min: -100, max: 100 }), jsonish),
    lon: fc.oneof(fc.double({ min: -200, max: 200 }), jsonish),
    price: fc.oneof(fc.integer({ min: -10, max: 2e9 }), jsonish),
    type: fc.oneof(fc.constantFrom('entire', 'private', 'shared'), jsonish),
    bedrooms: fc.oneof(fc.integer({ min: -2, max: 60 }), jsonish),
    district: fc.oneof(fc.string({ maxLength: 130 }), jsonish),
    listedAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), jsonish),
    extra: jsonish,
  },
  { requiredKeys: [] },
);

type Answer = { status: number; body: unknown };

function checkAnswer(a: Answer, ok: number[]): void {
  expect(a.status).toBeLessThan(500);
  if (ok.includes(a.status)) return;
  expect([400, 401, 404, 405, 409, 413, 415]).toContain(a.status);
  const err = (a.body as { error?: { code?: unknown; message?: unknown; field?: unknown } }).error;
  expect(typeof err?.code).toBe('string');
  expect(typeof err?.message).toBe('string');
  if (a.status === 400) expect(typeof err?.field === 'string' && err.field.length > 0, JSON.stringify(a.body)).toBe(true);
}

describe('fuzzing every endpoint and frame', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let renter: Renter;
  let cases = 0;

  const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    cases++;
    const res = await fetch(`${api.url}${path}`, init);
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, body };
  };
  const withBody = (method: string, body: unknown, raw = false): RequestInit => ({
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', cookie: renter.cookie, origin: api.url },
    body: raw ? String(body) : JSON.stringify(body),
  });

  beforeAll(async () => {
    api = await startApi(tempDir('fuzz'), { ADMIN_TOKEN: TOKEN, MAX_SAVED_SEARCHES: '1000000' });
    renter = await Renter.visit(api.url);
  });
  afterAll(async () => {
    // The server is still whole after all of it.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    await api?.close();
    expect(cases).toBeGreaterThanOrEqual(8 * RUNS);
  });

  it('GET /api/search', async () => {
    await fc.assert(
      fc.asyncProperty(queryOf(['bbox', 'zoom', 'priceMin', 'priceMax', 'type', 'bedsMin', 'polygon']), async (q) =>
        checkAnswer(await call(`/api/search?${q}`), [200]),
      ),
      { numRuns: RUNS },
    );
  });

  it('GET /api/listings (the list) and /api/listings/:id', async () => {
    await fc.assert(
      fc.asyncProperty(queryOf(['bbox', 'sort', 'limit', 'cursor', 'priceMax', 'type', 'polygon']), nasty, async (q, id) => {
        checkAnswer(await call(`/api/listings?${q}`), [200]);
        checkAnswer(await call(`/api/listings/${encodeURIComponent(id) || 'x'}`), [200]);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it('POST /api/listings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(listingBody, jsonish), async (body) => checkAnswer(await call('/api/listings', withBody('POST', body)), [200, 201])),
      { numRuns: RUNS },
    );
  });

  it('POST /api/listings with bodies that are not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => checkAnswer(await call('/api/listings', withBody('POST', text, true)), [200, 201])),
      { numRuns: RUNS },
    );
  });

  it('PATCH and DELETE /api/listings/:id', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('fz-1', 'fz-2', 'missing', '%E0%A4%A', 'a b'), fc.oneof(listingBody, jsonish), async (id, body) => {
        checkAnswer(await call(`/api/listings/${id}`, withBody('PATCH', body)), [200]);
      }),
      { numRuns: RUNS },
    );
    for (const id of ['fz-1', 'fz-2', 'nope', '%ZZ']) checkAnswer(await call(`/api/listings/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } }), [204]);
  });

  it('POST /api/saved-searches, PATCH and DELETE them, GET /api/alerts', async () => {
    const searchBody = fc.record(
      {
        name: fc.oneof(fc.string({ maxLength: 120 }), jsonish),
        bbox: fc.oneof(fc.tuple(fc.double(), fc.double(), fc.double(), fc.double()), jsonish),
        polygon: fc.oneof(fc.array(fc.tuple(fc.double({ min: -200, max: 200 }), fc.double({ min: -100, max: 100 })), { maxLength: 8 }), jsonish),
        filters: fc.oneof(fc.record({ priceMin: jsonish, type: jsonish, bedsMin: jsonish }, { requiredKeys: [] }), jsonish),
        notify: fc.oneof(fc.array(fc.constantFrom('new', 'price_drop', 'removed', 'x')), jsonish),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(searchBody, nasty, async (body, after) => {
        const created = await call('/api/saved-searches', withBody('POST', body));
        checkAnswer(created, [201]);
        if (created.status === 201) {
          const id = (created.body as { id: string }).id;
          checkAnswer(await call(`/api/saved-searches/${id}`, withBody('PATCH', body)), [200]);
          checkAnswer(await call(`/api/saved-searches/${id}`, { method: 'DELETE', headers: { cookie: renter.cookie, origin: api.url } }), [204]);
        }
        checkAnswer(await call(`/api/alerts?after=${encodeURIComponent(after)}`, { headers: { cookie: renter.cookie } }), [200]);
        // Ids it never issued, raw in the path: malformed escapes included.
        checkAnswer(await call(`/api/saved-searches/${after.replace(/[/?#]/g, '') || 'x'}`, { method: 'DELETE', headers: { cookie: renter.cookie, origin: api.url } }), [204]);
      }),
      { numRuns: RUNS },
    );
  });

  it('every WebSocket frame type: an error frame or silence, never a crash or a close', async () => {
    const socket = await renter.socket(api.url);
    const frame = fc.oneof(
      fc.record({ type: fc.constantFrom('watch', 'resume', 'nope', ''), bbox: jsonish, filters: jsonish, after: jsonish }, { requiredKeys: ['type'] }),
      fc.record({ type: fc.constant('watch'), bbox: fc.tuple(fc.double(), fc.double(), fc.double(), fc.double()), filters: fc.record({ priceMin: jsonish, type: jsonish }, { requiredKeys: [] }) }),
      jsonish,
      fc.string({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        cases++;
        socket.send(typeof f === 'string' ? f : JSON.stringify(f));
      }),
      { numRuns: RUNS },
    );
    await socket.watch([0, 0, 1, 1]);
    expect(socket.closeCode).toBeNull();
    const errors = socket.messages.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThan(RUNS / 4);
    expect(errors.every((m) => typeof m.code === 'string' && typeof m.message === 'string')).toBe(true);
    socket.close();
  });
});
