import type { ListingRecord } from '../../core/listing';
import type { ListingStore } from '../../store/listing-store';
import type { ClusterIndex } from './cluster-index';

/**
 * Fills an index from one snapshot of the store while the snapshot is still being read:
 * each batch of `batchSize` listings goes out as a bulk as soon as it is read, with at
 * most `inFlight` bulks at once (the node indexes one while this process serialises the
 * next). Reading the whole snapshot first and filling after made a rebuild as long as
 * both; a million listings take seconds to read. Every document is versioned by the
 * snapshot's sequence number, told before its first listing, so a change after it
 * always wins and none before it can. Resolves to that number once every bulk is in.
 */
export async function fillFromSnapshot(
  store: ListingStore,
  index: Pick<ClusterIndex, 'fill'>,
  batchSize: number,
  inFlight: number,
): Promise<{ seq: number; listings: number }> {
  const ready: ListingRecord[][] = [];
  let batch: ListingRecord[] = [];
  let seq = -1;
  let reading = true;
  let listings = 0;
  let wake: (() => void) | null = null;
  const ring = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const push = (): void => {
    ready.push(batch);
    batch = [];
    ring();
  };

  const sending = (async () => {
    const bulks: Promise<void>[] = [];
    for (;;) {
      const next = ready.shift();
      if (next === undefined) {
        if (!reading) break;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      if (seq < 0) throw new Error('the store gave listings before the sequence number they reflect');
      const bulk = index.fill(next, seq);
      bulk.catch(() => undefined); // observed here, thrown where it is awaited
      bulks.push(bulk);
      listings += next.length;
      if (bulks.length >= inFlight) await bulks.shift();
    }
    await Promise.all(bulks);
  })();
  // A failed bulk stops the sending, and must not go unheard while the reading goes on.
  sending.catch(() => undefined);

  try {
    const read = await store.snapshot(
      (r) => {
        batch.push(r);
        if (batch.length === batchSize) push();
      },
      (s) => (seq = s),
    );
    if (batch.length > 0) push();
    seq = read;
  } finally {
    reading = false;
    ring();
  }
  await sending;
  return { seq, listings };
}
