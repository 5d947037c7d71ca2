import type { ListingRecord } from '../../core/listing';
import type { ListingStore } from '../../store/listing-store';
import type { ClusterIndex } from './cluster-index';

/**
 * Fills an index from one snapshot of the store while the snapshot is still being read:
 * each batch of `batchSize` listings goes out as a bulk as soon as it is read, on one of
 * `inFlight` lanes that each send one bulk at a time (the node indexes one while this
 * process serialises the next). Reading the whole snapshot first and filling after made a
 * rebuild as long as both; a million listings take seconds to read. Every document is
 * versioned by the snapshot's sequence number, told before its first listing, so a change
 * after it always wins and none before it can. Resolves once every bulk is in.
 */
export async function fillFromSnapshot(
  store: ListingStore,
  index: Pick<ClusterIndex, 'fill'>,
  batchSize: number,
  inFlight: number,
): Promise<{ seq: number; listings: number }> {
  const lanes: Promise<void>[] = Array.from({ length: inFlight }, () => Promise.resolve());
  let seq = -1;
  let sent = 0;
  let listings = 0;
  let batch: ListingRecord[] = [];
  const send = (): void => {
    if (seq < 0) throw new Error('the store gave listings before the sequence number they reflect');
    const records = batch;
    batch = [];
    const lane = sent++ % inFlight;
    lanes[lane] = lanes[lane]!.then(() => index.fill(records, seq));
    lanes[lane]!.catch(() => undefined); // observed below, once the reading is done
    listings += records.length;
  };
  await store.snapshot(
    (r) => {
      batch.push(r);
      if (batch.length === batchSize) send();
    },
    (s) => (seq = s),
  );
  if (batch.length > 0) send();
  await Promise.all(lanes);
  return { seq, listings };
}
