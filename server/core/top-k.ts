/**
 * The k smallest items under `before` seen so far, without keeping or sorting the rest: a
 * bounded max-heap, O(n log k). A street view can hold tens of thousands of rows for 500
 * pins, and a city-wide list a million rows for a page of 20.
 */
export class BoundedHeap<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  offer(item: T): void {
    const { heap, before } = this;
    if (heap.length < this.k) {
      heap.push(item);
      this.siftUp(heap.length - 1);
    } else if (this.k > 0 && before(item, heap[0]!)) {
      heap[0] = item;
      this.siftDown(0);
    }
  }

  /** What was kept, in order. */
  sorted(): T[] {
    const { before } = this;
    return [...this.heap].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  }

  private siftUp(i: number): void {
    const { heap, before } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[p]!, heap[i]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  }

  private siftDown(i: number): void {
    const { heap, before } = this;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[m]!, heap[l]!)) m = l;
      if (r < heap.length && before(heap[m]!, heap[r]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
}

export function topK<T>(items: readonly T[], k: number, before: (a: T, b: T) => boolean): T[] {
  const heap = new BoundedHeap(k, before);
  for (const item of items) heap.offer(item);
  return heap.sorted();
}
