import path from 'node:path';

/**
 * The real New York listings and neighbourhoods the tests read in place (never copied into
 * the repo): `../shared/data` beside the checkout, as CI has it, or ROOST_SHARED_DATA.
 */
export const SHARED_DATA = process.env.ROOST_SHARED_DATA ?? path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const NYC_CSV = path.join(SHARED_DATA, 'nyc-listings.csv');
export const NYC_BOUNDARIES = path.join(SHARED_DATA, 'nyc-neighbourhoods.geojson');
