import { log } from '../../log';
import type { ClusterClient } from './cluster-client';
import {
  LISTINGS_ADDED_FIELDS,
  LISTINGS_ALIAS,
  LISTINGS_INDEX_PREFIX,
  LISTINGS_MAPPING_VERSION,
  listingsIndexBody,
  MAPPING_1_DESCRIPTION,
  META_INDEX,
  metaIndexBody,
} from './query-bodies';

/** Creates an index unless it exists; two nodes starting at once may both try. */
async function createIndex(client: ClusterClient, name: string, body: object): Promise<void> {
  const exists = await client.request({ method: 'HEAD', path: `/${name}` }, { allow: [404] });
  if (exists.status === 200) return;
  const res = await client.request<{ error?: { type?: string } }>({ method: 'PUT', path: `/${name}`, body }, { allow: [400] });
  if (res.status === 400 && res.body.error?.type !== 'resource_already_exists_exception') {
    throw new Error(`creating index ${name} failed: ${res.body.error?.type ?? 'bad request'}`);
  }
}

/** The index the listings alias points at, or null when there is no alias yet. */
export async function currentListingsIndex(client: ClusterClient): Promise<string | null> {
  const res = await client.request<Record<string, unknown>>({ method: 'GET', path: `/_alias/${LISTINGS_ALIAS}` }, { allow: [404] });
  if (res.status === 404) return null;
  const names = Object.keys(res.body);
  if (names.length !== 1) throw new Error(`alias ${LISTINGS_ALIAS} points at ${names.length} indices; expected one`);
  return names[0]!;
}

/** `listings-v1` behind the `listings` alias, and the meta index (the log cursor). */
export async function ensureIndices(client: ClusterClient): Promise<void> {
  if ((await currentListingsIndex(client)) === null) {
    const first = `${LISTINGS_INDEX_PREFIX}1`;
    await createIndex(client, first, listingsIndexBody());
    await client.request({
      method: 'POST',
      path: '/_aliases',
      body: { actions: [{ add: { index: first, alias: LISTINGS_ALIAS, is_write_index: true } }] },
    });
  }
  await createIndex(client, META_INDEX, metaIndexBody());
  // Indices made by an earlier release lack the fields added since: adding is in place.
  const version = await listingsMappingVersion(client);
  await client.request({
    method: 'PUT',
    path: `/${LISTINGS_ALIAS}/_mapping`,
    body: { properties: { ...LISTINGS_ADDED_FIELDS, ...(version < 2 ? MAPPING_1_DESCRIPTION : {}) } },
  });
  if (version < LISTINGS_MAPPING_VERSION) {
    log.warn(
      { mapping: version, current: LISTINGS_MAPPING_VERSION },
      'the listings index was made by an older Roost: Chinese keywords match loose characters until `npm run migrate` reindexes it',
    );
  }
}

/** The mapping version of the index behind the alias (`_meta.mapping`; indices from before it have none: 1). */
export async function listingsMappingVersion(client: ClusterClient): Promise<number> {
  const res = await client.request<Record<string, { mappings?: { _meta?: { mapping?: number } } }>>({ method: 'GET', path: `/${LISTINGS_ALIAS}/_mapping` });
  const index = Object.values(res.body)[0];
  return index?.mappings?._meta?.mapping ?? 1;
}

/** The version number of a `listings-vN` index, or null for any other name. */
function versionOf(name: string): number | null {
  if (!name.startsWith(LISTINGS_INDEX_PREFIX)) return null;
  const v = Number(name.slice(LISTINGS_INDEX_PREFIX.length));
  return Number.isInteger(v) && v > 0 ? v : null;
}

/**
 * A new, empty listings index beside the one the alias points at, for a rebuild that must
 * not empty searches while it fills: one version past every `listings-vN` there is.
 * Versions past the alias's are builds that never finished (a holder that died mid-fill;
 * a finished one is behind the alias), deleted first so they do not pile up.
 */
export async function createNextListingsIndex(client: ClusterClient): Promise<{ current: string; next: string }> {
  const current = (await currentListingsIndex(client))!;
  const res = await client.request<Record<string, unknown>>({ method: 'GET', path: `/${LISTINGS_INDEX_PREFIX}*` }, { allow: [404] });
  const versions = Object.keys(res.status === 404 ? {} : res.body).map((n) => [n, versionOf(n)] as const);
  const currentVersion = versionOf(current) ?? 0;
  for (const [name, v] of versions) {
    if (v !== null && v > currentVersion) await client.request({ method: 'DELETE', path: `/${name}` }, { allow: [404] });
  }
  const next = `${LISTINGS_INDEX_PREFIX}${Math.max(currentVersion, ...versions.map(([, v]) => v ?? 0)) + 1}`;
  await createIndex(client, next, listingsIndexBody());
  return { current, next };
}

/** Points the listings alias from one index to another in one atomic `_aliases` call. */
export async function switchListingsAlias(client: ClusterClient, from: string, to: string): Promise<void> {
  await client.request({
    method: 'POST',
    path: '/_aliases',
    body: {
      actions: [
        { remove: { index: from, alias: LISTINGS_ALIAS } },
        { add: { index: to, alias: LISTINGS_ALIAS, is_write_index: true } },
      ],
    },
  });
}

export interface MigrationReport {
  from: string;
  to: string;
  copied: number;
  caughtUp: number;
}

/** How often a running reindex task is asked about. */
const TASK_POLL_MS = 1_000;

async function reindex(client: ClusterClient, from: string, to: string, query?: object): Promise<number> {
  const res = await client.request<{ task: string }>({
    method: 'POST',
    path: '/_reindex',
    querystring: { wait_for_completion: false, refresh: true },
    // Versions kept (external): the copy stays comparable with the log's sequence numbers.
    body: { conflicts: 'proceed', source: { index: from, ...(query ? { query } : {}) }, dest: { index: to, version_type: 'external' } },
  });
  for (;;) {
    const task = await client.request<{ completed: boolean; response?: { created: number; updated: number; failures: unknown[] } }>({
      method: 'GET',
      path: `/_tasks/${encodeURIComponent(res.body.task)}`,
    });
    if (task.body.completed) {
      const r = task.body.response!;
      if (r.failures.length > 0) throw new Error(`reindex into ${to} had ${r.failures.length} failures`);
      return r.created + r.updated;
    }
    await new Promise((resolve) => setTimeout(resolve, TASK_POLL_MS));
  }
}

/**
 * Reindexes the listings into the next version with the current mapping, copies again
 * what was written during that copy (by `updatedAt`, while nothing writes to the new
 * index yet), then swaps the alias in one atomic `_aliases` call. Writes in the moment
 * between the second copy and the swap reach only the old index: pause writers for a
 * guaranteed copy. The old index is kept for the operator to delete.
 */
export async function migrateListings(client: ClusterClient): Promise<MigrationReport> {
  await ensureIndices(client);
  const from = (await currentListingsIndex(client))!;
  const version = Number(from.slice(LISTINGS_INDEX_PREFIX.length));
  if (!Number.isInteger(version)) throw new Error(`alias ${LISTINGS_ALIAS} points at ${from}, not a ${LISTINGS_INDEX_PREFIX}N index`);
  const to = `${LISTINGS_INDEX_PREFIX}${version + 1}`;
  const started = Date.now();
  await createIndex(client, to, listingsIndexBody());
  const copied = await reindex(client, from, to);
  const caughtUp = await reindex(client, from, to, { range: { updatedAt: { gte: started - 1_000 } } });
  await switchListingsAlias(client, from, to);
  return { from, to, copied, caughtUp };
}
