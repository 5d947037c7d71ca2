import { BULK_RETRIES, type BulkDrop, type BulkOperation, type BulkTarget } from './cluster-client';
import { translateClientError } from './client-errors';

/** The part of both clients' `helpers.bulk` that Roost uses (the OpenSearch one is a fork). */
interface BulkHelpers {
  bulk(options: {
    datasource: object[];
    onDocument(doc: object): object;
    onDrop(drop: { status: number; error: { type?: string; reason?: string } | null; operation: Record<string, { _id?: string }> }): void;
    retries: number;
    wait: number;
    concurrency: number;
    flushBytes: number;
    refreshOnCompletion: boolean;
  }): PromiseLike<unknown>;
}

/** About 2,000 listings a request: measured near the top of the import rate on two cores. */
const FLUSH_BYTES = 1_000_000;

/**
 * Runs operations through a client's bulk helper, which batches them by size, retries
 * 429s with backoff and reports each refused operation; refused ones come back.
 */
export async function runBulkHelper(helpers: unknown, operations: BulkOperation[], refresh: boolean, product: string): Promise<BulkDrop[]> {
  if (operations.length === 0) return [];
  // The helper sends each datasource item as the document (a delete gets a placeholder)
  // and reports a refusal with a parsed copy of the action: operations are found again
  // by id, which the callers keep unique within one call.
  const byItem = new Map<object, BulkOperation>();
  const byId = new Map<string, BulkOperation>();
  const items = operations.map((op) => {
    const item = op.document ?? {};
    byItem.set(item, op);
    byId.set(targetOf(op)._id, op);
    return item;
  });
  const drops: BulkDrop[] = [];
  try {
    await (helpers as BulkHelpers).bulk({
      datasource: items,
      onDocument: (doc) => byItem.get(doc)!.action,
      onDrop: (d) => {
        const id = Object.values(d.operation)[0]?._id ?? '';
        drops.push({ operation: byId.get(id)!, status: d.status, reason: d.error?.type ?? d.error?.reason ?? 'refused' });
      },
      retries: BULK_RETRIES,
      wait: 500,
      concurrency: 2,
      flushBytes: FLUSH_BYTES,
      refreshOnCompletion: refresh,
    });
  } catch (err) {
    throw translateClientError(err, product);
  }
  return drops;
}

export function targetOf(op: BulkOperation): BulkTarget {
  return (op.action.index ?? op.action.create ?? op.action.delete)!;
}
