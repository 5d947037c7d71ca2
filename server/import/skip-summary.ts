/** Line numbers kept per reason in the summary; every line is in the per-row report above it. */
const LINES_SHOWN = 5;

/**
 * Skipped rows by kind of reason, for the end of an import: a file with 7,767 bad ids gets
 * one line saying so beside its 7,767 per-row lines. The kind is the reason with its quoted
 * value and numbers taken out (`id "x y" is not a valid id` → `id … is not a valid id`).
 */
export class SkipSummary {
  private readonly kinds = new Map<string, { count: number; lines: number[] }>();

  static kindOf(reason: string): string {
    return reason.replace(/"(?:[^"\\]|\\.)*"/g, '…').replace(/-?\d+(?:\.\d+)?/g, 'N');
  }

  add(line: number, reason: string): void {
    const kind = SkipSummary.kindOf(reason);
    let k = this.kinds.get(kind);
    if (!k) {
      k = { count: 0, lines: [] };
      this.kinds.set(kind, k);
    }
    k.count++;
    if (k.lines.length < LINES_SHOWN) k.lines.push(line);
  }

  /** One line per kind, most frequent first; empty when nothing was skipped. */
  lines(): string[] {
    return [...this.kinds]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([kind, { count, lines }]) => `skipped ${count} × ${kind} (line${count > 1 ? 's' : ''} ${lines.join(', ')}${count > lines.length ? ', …' : ''})`);
  }
}
