import fs from 'node:fs';
import client from 'prom-client';
import type { Capability } from '../capability';
import type { StoreEngine } from '../engine/store-engine';
import { log } from '../log';
import type { Metrics } from '../ops/metrics';
import { StartError } from '../start-error';
import { PhotoFetchPolicy } from './photo-fetch-policy';
import { FETCH_FAILURES, PhotoFetcher } from './photo-fetcher';
import type { PhotoImportStore } from './photo-import-store';
import { PhotoImporter, type PhotoImportOptions } from './photo-importer';
import type { PhotoStore } from './photo-store';

export interface PhotoImportModuleOptions {
  engine: StoreEngine;
  photos: PhotoStore;
  imports: PhotoImportStore;
  metrics: Metrics;
  node: string;
  /** PHOTO_IMPORT_HOSTS: empty turns the importer off. */
  hosts: string[];
  /** PHOTO_IMPORT_ALLOW_PRIVATE. */
  allowPrivate: boolean;
  /** PHOTO_IMPORT_CA: a PEM file added to the trusted CAs. */
  caFile?: string;
  options?: Partial<PhotoImportOptions>;
}

/**
 * The photo importer as one capability: no routes, a lease-held worker, and its figures
 * in /metrics. Off (and says so once) without PHOTO_IMPORT_HOSTS: a fresh install asks
 * no one on the internet for anything.
 */
export function photoImportModule(o: PhotoImportModuleOptions): Capability & { importer: PhotoImporter | null } {
  if (o.hosts.length === 0) {
    return {
      name: 'photo-import',
      importer: null,
      routes: [],
      async start() {
        log.info('PHOTO_IMPORT_HOSTS is not set: photos that listings name on other sites are not fetched, and the pages do not show them');
      },
    };
  }
  const policy = new PhotoFetchPolicy(o.hosts, o.allowPrivate);
  const ca = o.caFile ? readCa(o.caFile) : undefined;
  const fetcher = new PhotoFetcher(policy, { ...(ca ? { ca } : {}), sockets: o.options?.fetchesAtOnce ?? 4 });
  const importer = new PhotoImporter({ engine: o.engine, photos: o.photos, imports: o.imports, policy, fetcher, node: o.node }, o.options, o.hosts);
  registerMetrics(o.metrics, importer, o.imports);
  return {
    name: 'photo-import',
    importer,
    routes: [],
    async start() {
      importer.start();
      log.info({ hosts: o.hosts, allowPrivate: o.allowPrivate }, 'photo import on: photos that listings name on these hosts are fetched and served from here');
    },
    stop: () => importer.stop(),
  };
}

function registerMetrics(metrics: Metrics, importer: PhotoImporter, imports: PhotoImportStore): void {
  const t = importer.tally;
  metrics.countFrom('roost_photo_import_fetched_total', () => t.fetched, 'Photos fetched from allowed hosts and stored (by this node)');
  metrics.countFrom('roost_photo_import_bytes_total', () => t.bytes, 'Bytes of photos fetched (by this node)');
  metrics.countFrom('roost_photo_import_listings_rewritten_total', () => t.rewritten, 'Listings whose photo URLs were replaced by our own (by this node)');
  metrics.countFrom('roost_photo_import_given_up_total', () => t.givenUp, 'Photo URLs given up (refused, gone, not a photo, or failing too often): dropped from their listings');
  const reported = new Map<string, number>();
  new client.Counter({
    name: 'roost_photo_import_failures_total',
    help: 'Failed photo fetches by reason (a fixed set)',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
    collect() {
      for (const reason of FETCH_FAILURES) {
        const n = t.failures.get(reason) ?? 0;
        this.inc({ reason }, n - (reported.get(reason) ?? 0));
        reported.set(reason, n);
      }
    },
  });
  metrics.gaugeFrom('roost_photo_import_holder', 'Whether this node holds the photo importer\'s lease', () => (importer.holding ? 1 : 0));
  metrics.gaugeFrom('roost_photo_import_queue', 'Listings waiting for their photos to be fetched (the whole store\'s, read by every node)', () => imports.queued());
}

function readCa(file: string): string {
  try {
    const pem = fs.readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (err) {
    throw new StartError(`PHOTO_IMPORT_CA: cannot read ${file}: ${(err as Error).message}`);
  }
}
