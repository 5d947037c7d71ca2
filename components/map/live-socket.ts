import type { ConversationFrame } from '@/server/contract/conversations';
import type { Listing } from '@/server/core/listing';
import type { Filters } from '@/server/engine/search-engine';
import { filtersJson } from '@/server/contract/filters';

export type LiveState = 'connecting' | 'open' | 'reconnecting';

export interface ListingMessage {
  type: 'listing';
  op: 'upsert' | 'remove';
  listing: Listing;
}

export interface AlertMessage {
  type: 'alert';
  id: number;
  searchId?: string;
  favourite?: string;
  reason: 'new' | 'price_drop' | 'removed';
  listing: Listing;
}

export type ServerMessage = ListingMessage | AlertMessage | ConversationFrame;

/** Reconnect delays: exponential from MIN to MAX, each drawn at random below it (full jitter). */
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15_000;

/**
 * Jittered: a dead node's clients spread their reconnects over the window instead of
 * stampeding the survivors at the same instants; never sooner than half of MIN, so even
 * the first retry gives a restarting node a moment (full jitter alone could retry at 0 ms).
 */
export function backoff(attempt: number, min = BACKOFF_MIN_MS, max = BACKOFF_MAX_MS, random: () => number = Math.random): number {
  const cap = Math.min(max, min * 2 ** attempt);
  const floor = min / 2;
  return floor + random() * (cap - floor);
}

/**
 * The map's live socket: connects, re-sends the current watch (and the alerts resume
 * point) on every connect, and reconnects with backoff when the connection drops.
 */
export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private watchFrame: string | null = null;
  private stopped = false;

  constructor(
    private readonly onMessage: (m: ServerMessage) => void,
    private readonly onState: (s: LiveState) => void,
    /** The frames to send on every connect before the watch (alerts resume). */
    private readonly onConnectFrames: () => string[] = () => [],
  ) {
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState('open');
      for (const f of this.onConnectFrames()) ws.send(f);
      if (this.watchFrame) ws.send(this.watchFrame);
    };
    ws.onmessage = (e) => {
      try {
        this.onMessage(JSON.parse(String(e.data)) as ServerMessage);
      } catch {
        // not ours to crash on
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.onState('reconnecting');
      this.timer = setTimeout(() => this.connect(), backoff(this.attempt++));
    };
  }

  /** The viewport to hear about; replaces the previous one, and is re-sent after a reconnect. */
  watch(bbox: [number, number, number, number], filters: Filters): void {
    this.watchFrame = JSON.stringify({ type: 'watch', bbox, filters: filtersJson(filters) });
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(this.watchFrame);
  }

  /** Sends a frame if the socket is open now; false if it is not (the caller keeps it for the next connect). */
  send(frame: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Opens the socket again at once (signed in or out: the upgrade carries the new session). */
  reconnect(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const old = this.ws;
    this.ws = null;
    old?.close();
    this.attempt = 0;
    this.connect();
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
  }
}
