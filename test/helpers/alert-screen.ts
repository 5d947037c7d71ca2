import type { LiveClient } from './live-client';

/**
 * The client's side of at-least-once, as the page does it: an alert id already shown is
 * dropped (counted in `repeats`), never shown again.
 */
export class AlertScreen {
  readonly shown = new Map<number, string>();
  repeats = 0;
  lastId = 0;

  take(client: LiveClient): void {
    client.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { type: string; id: number; listing: { id: string } };
      if (m.type !== 'alert') return;
      if (this.shown.has(m.id)) {
        this.repeats++;
        return;
      }
      this.shown.set(m.id, m.listing.id);
      this.lastId = Math.max(this.lastId, m.id);
    });
  }
}
