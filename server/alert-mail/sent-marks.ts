import { log } from '../log';

interface Waiting {
  ids: number[];
  /** Past this moment (epoch ms) the rows' attempt lease may be gone: trying to mark them is pointless. */
  until: number;
  done: () => void;
}

/**
 * Marks accepted sends as sent, one statement for every send accepted while the previous
 * statement was on its way: a page of mails costs a round trip or two to mark, not one a
 * mail, and a mail is marked within one round trip of its acceptance — the window in which
 * a node killed mid-page sends a mail again (same Message-ID) stays as short as it was.
 * While the database is away (restarting), a statement is retried for as long as the
 * rows' attempt lease holds them: given up, they would be taken and sent a second time.
 */
export class SentMarks {
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly finish: (ids: number[]) => Promise<void>) {}

  /** Resolves once the rows are marked (or could not be, logged): never rejects. */
  mark(ids: number[], until: number): Promise<void> {
    return new Promise((done) => {
      this.waiting.push({ ids, until, done });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      await this.write(batch.flatMap((w) => w.ids), Math.min(...batch.map((w) => w.until)));
      for (const w of batch) w.done();
    }
    this.flushing = null;
  }

  private async write(ids: number[], until: number): Promise<void> {
    for (let wait = 100; ; wait = Math.min(2_000, wait * 2)) {
      try {
        await this.finish(ids);
        return;
      } catch (err) {
        if (Date.now() + wait > until) {
          log.error({ err, rows: ids.length }, 'alert outbox: sent, but could not mark it; it may be sent again');
          return;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
