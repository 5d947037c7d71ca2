/**
 * Prepares the browser tests' store before the server starts: the demo city, the New York
 * outlines when the shared data has them (test/helpers/shared-data.ts), and listings the
 * tests look for by id.
 */
import fs from 'node:fs';
import { fillDemoIfEmpty } from '../server/demo/fill-demo';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { NYC_BOUNDARIES } from '../test/helpers/shared-data';
import { XSS_AT, XSS_ID, XSS_TITLE } from './fixtures';


const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
const store = new SqliteListingStore(dataDir);
await fillDemoIfEmpty(store, 50_000);
if (fs.existsSync(NYC_BOUNDARIES)) await store.setMeta('boundaries', fs.readFileSync(NYC_BOUNDARIES, 'utf8'));
const now = Date.now();
await store.upsertMany([
  {
    id: XSS_ID,
    title: XSS_TITLE,
    lat: XSS_AT.lat,
    lon: XSS_AT.lon,
    price: 1234,
    type: 'entire',
    district: 'Manhattan',
    neighbourhood: 'Midtown',
    bedrooms: 2,
    listedAt: now,
    updatedAt: now,
  },
]);
await store.close();
