/**
 * Prepares the browser tests' store before the server starts: the demo city, the New York
 * outlines when ../shared/data has them, and listings the tests look for by id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fillDemoIfEmpty } from '../server/demo/fill-demo';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { XSS_AT, XSS_ID, XSS_TITLE } from './fixtures';


const dataDir = process.env.DATA_DIR;
if (!dataDir) throw new Error('DATA_DIR is required');
const store = new SqliteStore(dataDir);
fillDemoIfEmpty(store, 50_000);
const boundaries = path.resolve(import.meta.dirname, '..', '..', 'shared', 'data', 'nyc-neighbourhoods.geojson');
if (fs.existsSync(boundaries)) store.setMeta('boundaries', fs.readFileSync(boundaries, 'utf8'));
const now = Date.now();
store.upsertMany([
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
store.close();
