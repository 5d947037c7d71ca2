import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChangeEvent } from '../changes/change-event';
import { log } from '../log';
import { FrameBudget } from './frame-budget';
import { errorFrame, listingFrame, parseFrame, type CapabilityFrame, type ClientFrame } from './protocol';
import { PreparedFrame } from './prepared-frame';
import { SendQueue } from './send-queue';
import { WatchIndex } from './watch-index';

/** Options of the live socket server; every default is here. */
export interface LiveHubOptions {
  /**
   * Largest frame a client may send; a bigger one closes the socket with 1009.
   * @default 65536
   */
  maxFrameBytes?: number;
  /**
   * Outgoing bytes a connection may have queued; past this the reader is too slow and is
   * dropped, so one stalled phone cannot hold the node's memory.
   * @default 1048576
   */
  maxBufferedBytes?: number;
  /**
   * Time between pings; a connection that has not answered the previous one is closed.
   * @default 30000
   */
  heartbeatMs?: number;
  /**
   * Live frames a node may have queued before a write through it waits for them to go
   * out (backpressure on writers). At 10–45 µs a send, 10,000 is a few hundred ms.
   * @default 10000
   */
  maxBacklog?: number;
  /** Origins allowed besides the server's own (a page served from another host). */
  allowedOrigins?: string[];
  /** Answers a `resume` frame (alerts, and messages after `messagesAfter`); absent, resume is refused. */
  onResume?: (conn: LiveConnection, after: number, messagesAfter?: number) => void;
  /** Answers the frames capabilities own (conversations' send, read, delivered); absent, they are refused. */
  onFrame?: (conn: LiveConnection, frame: CapabilityFrame) => void;
  /**
   * Who a new connection is, from the upgrade request: the owner whose alerts and messages
   * it may hear (null: an anonymous viewer), the session row's key, and whether it is signed
   * in; null refuses it (401).
   */
  authenticate?: (req: IncomingMessage) => Promise<SocketIdentity | null>;
  onOpen?: (conn: LiveConnection) => void;
  onClose?: (conn: LiveConnection) => void;
  /** Sockets one client address may hold; more are refused with 429. */
  maxPerIp?: number;
  /**
   * Frames of any kind a socket may send a second (twice that in a burst); a socket that
   * keeps sending faster is closed with 1008 (frame-budget.ts).
   */
  framesPerS?: number;
  /** The client's address for the per-address cap. */
  clientIp?: (req: IncomingMessage) => string;
  /**
   * The origin the browser used for the upgrade request, to check its Origin against;
   * behind a trusted proxy that is the proxy's forwarded host and scheme (ops/forwarded.ts).
   * @default the Host header and the socket's own scheme
   */
  requestOrigin?: (req: IncomingMessage) => string | null;
  /** A limit refused something (for /metrics); `ws_frames_closed`: a socket closed for it. */
  onLimited?: (limit: 'ws_per_ip' | 'ws_frames' | 'ws_frames_closed') => void;
}

/**
 * The heartbeat interval is cut into turns this long; each connection is pinged at one.
 * A ping is a send (a syscall, and a wakeup of the reader): 3,300 sockets pinged in ten
 * turns held a node ~10 ms every 3 s, which showed in the push p99; in turns of 100 ms
 * each is about 11 sockets.
 */
const HEARTBEAT_TURN_MS = 100;

const DEFAULTS = { maxFrameBytes: 64 * 1024, maxBufferedBytes: 1 << 20, heartbeatMs: 30_000, maxPerIp: 100, framesPerS: 10, maxBacklog: 10_000 };

/** Who a socket belongs to, decided once at its upgrade. */
export interface SocketIdentity {
  owner: string | null;
  key: string | null;
  signedIn: boolean;
}

/** One renter's socket on this node. */
export class LiveConnection {
  alive = true;
  /** Closed for sending too many frames: whatever else it sends is dropped unread. */
  closing = false;
  /** The turn of the heartbeat at which this connection is pinged. */
  beatTurn = 0;
  /** The frame budget: every frame spends from it before it is read. */
  readonly frames: FrameBudget;
  ip = '';
  /** The session row's key, so a sign-out anywhere closes this socket (accounts/session-sockets.ts). */
  sessionKey: string | null = null;
  signedIn = false;
  constructor(
    readonly socket: WebSocket,
    /** The owner whose alerts (and messages) this socket hears: an account, an anonymous session, or null. */
    readonly session: string | null,
    private readonly maxBuffered: number,
    framesPerS = 10,
  ) {
    this.frames = new FrameBudget(framesPerS);
  }

  /** Sends a frame (an alert, an error); a reader too far behind is dropped instead of buffered without end. */
  send(frame: string): boolean {
    if (!this.writable()) return false;
    this.socket.send(frame);
    return true;
  }

  /** Sends prepared listing frames in order, in one write; the same check on the reader. */
  sendAll(frames: PreparedFrame[]): boolean {
    if (!this.writable()) return false;
    PreparedFrame.writeAll(this.socket, frames);
    return true;
  }

  private writable(): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.maxBuffered) {
      log.warn({ buffered: this.socket.bufferedAmount }, 'live socket too slow; dropping it');
      this.socket.terminate();
      return false;
    }
    return true;
  }
}

/** The request's own origin from its socket alone: no forwarding header is believed. */
function socketOrigin(req: IncomingMessage): string | null {
  const host = req.headers.host;
  if (!host) return null;
  return `${'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'}://${host}`;
}

/**
 * The live map's socket server at /ws: each connection's watched viewport in a spatial
 * index, and every change this node learns of delivered to the watches it touches.
 */
export class LiveHub {
  readonly watches = new WatchIndex<LiveConnection>();
  readonly connections = new Set<LiveConnection>();
  private readonly wss: WebSocketServer;
  private readonly options: Required<Pick<LiveHubOptions, 'maxFrameBytes' | 'maxBufferedBytes' | 'heartbeatMs' | 'maxPerIp' | 'framesPerS' | 'maxBacklog'>> & LiveHubOptions;
  private readonly perIp = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private beatTurn = 0;
  /** The connections pinged at each turn of the heartbeat: a turn touches only its own. */
  private readonly beatTurns: Set<LiveConnection>[];
  /** Connections accepted so far: spreads them over the heartbeat's turns. */
  private accepted = 0;
  /** Messages handed to sockets since start (for /metrics and benchmarks). */
  pushed = 0;
  /** Socket writes those took: fewer than messages when a backlog let frames share a write. */
  writes = 0;
  /** Listing frames on their way out, in slices (send-queue.ts). */
  private readonly outbox = new SendQueue<LiveConnection, PreparedFrame>((conn, frames) => {
    if (conn.sendAll(frames)) {
      this.pushed += frames.length;
      this.writes++;
    }
  });

  constructor(options: LiveHubOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.options.maxFrameBytes, perMessageDeflate: false });
    const turns = Math.max(1, Math.round(this.options.heartbeatMs / HEARTBEAT_TURN_MS));
    this.beatTurns = Array.from({ length: turns }, () => new Set<LiveConnection>());
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs / turns);
    this.heartbeat.unref();
  }

  /** Takes the upgrade of a request to /ws: checks the origin and the session first. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    // No Origin: not a browser (a script, a test), which cross-site tricks cannot drive.
    if (origin && origin !== (this.options.requestOrigin ?? socketOrigin)(req) && !(this.options.allowedOrigins ?? []).includes(origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const ip = this.options.clientIp?.(req) ?? req.socket.remoteAddress ?? '';
    if ((this.perIp.get(ip) ?? 0) >= this.options.maxPerIp) {
      this.options.onLimited?.('ws_per_ip');
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 10\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!this.options.authenticate) {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, null, ip));
      return;
    }
    this.options.authenticate(req).then(
      (who) => {
        if (socket.destroyed) return;
        if (who === null) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          return;
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, who, ip));
      },
      () => socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
    );
  }

  private accept(ws: WebSocket, who: SocketIdentity | null, ip: string): void {
    const conn = new LiveConnection(ws, who?.owner ?? null, this.options.maxBufferedBytes, this.options.framesPerS);
    conn.sessionKey = who?.key ?? null;
    conn.signedIn = who?.signedIn ?? false;
    conn.ip = ip;
    conn.beatTurn = this.accepted++ % this.beatTurns.length;
    this.beatTurns[conn.beatTurn]!.add(conn);
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    this.connections.add(conn);
    this.options.onOpen?.(conn);
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data, isBinary) => {
      // Counted before it is read: junk and frames that do not parse spend the budget too.
      if (!this.allowFrame(conn)) return;
      if (isBinary) return void conn.send(errorFrame('bad_request', 'frames are JSON text'));
      const parsed = parseFrame(data.toString());
      if (!parsed.ok) return void conn.send(errorFrame(parsed.code, parsed.message));
      this.handle(conn, parsed.frame);
    });
    ws.on('close', () => {
      this.watches.remove(conn);
      this.connections.delete(conn);
      this.beatTurns[conn.beatTurn]!.delete(conn);
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
      this.options.onClose?.(conn);
    });
    ws.on('error', () => ws.terminate());
  }

  /**
   * Every frame costs a token. A socket past its budget has the frame dropped unread and is
   * told once per run of them (an answer per junk frame would be a flood of our own); one
   * that keeps on is closed with 1008 and cut off.
   */
  private allowFrame(conn: LiveConnection): boolean {
    if (conn.closing) return false;
    const verdict = conn.frames.take();
    if (verdict === 'ok') return true;
    if (verdict === 'close') {
      conn.closing = true;
      this.options.onLimited?.('ws_frames_closed');
      // The close frame goes out now; the socket is cut on the next turn, so the frames it
      // has already sent are not read (the close handshake would read them all first).
      conn.socket.close(1008, 'too many frames');
      setImmediate(() => conn.socket.terminate());
      return false;
    }
    this.options.onLimited?.('ws_frames');
    if (conn.frames.firstStrike) conn.send(errorFrame('rate_limited', `${this.options.framesPerS} frames a second at most; frames past that are dropped, and a socket that keeps sending them is closed`));
    return false;
  }

  private handle(conn: LiveConnection, frame: ClientFrame): void {
    if (frame.type === 'watch') {
      this.watches.set(conn, frame.bbox, frame.filters);
      return;
    }
    if (frame.type !== 'resume') {
      if (!this.options.onFrame) return void conn.send(errorFrame('bad_request', `${frame.type}: not available here`));
      this.options.onFrame(conn, frame);
      return;
    }
    if (!this.options.onResume) return void conn.send(errorFrame('bad_request', 'resume: alerts are not available here'));
    this.options.onResume(conn, frame.after, frame.messagesAfter);
  }

  /**
   * A change reaches the watches it touches, serialised and framed once per kind, not per
   * watcher; the frames go out in slices behind those of earlier changes.
   */
  deliver(e: ChangeEvent): void {
    const frames = new Map<string, PreparedFrame>();
    for (const d of this.watches.deliveries(e)) {
      let frame = frames.get(d.op);
      if (!frame) frames.set(d.op, (frame = new PreparedFrame(listingFrame(d.op, d.listing))));
      this.outbox.push(d.conn, frame);
    }
    this.outbox.flush();
  }

  /**
   * Resolves once this node's backlog of live frames is down to `maxBacklog` frames ahead
   * of now: at once in steady use; under a flood of writes, when fan-out has caught up
   * enough that the next write's frames will wait well under a second.
   */
  sent(): Promise<void> {
    return this.outbox.whenSent(this.options.maxBacklog);
  }

  /**
   * One of the heartbeat's turns: pings the connections whose turn it is,
   * closing those that did not answer their previous ping, one interval ago. Pinging all at
   * once made every pong come back at once, and a node spent tens of milliseconds on them
   * while pushes waited.
   */
  private beat(): void {
    for (const conn of this.beatTurns[this.beatTurn++ % this.beatTurns.length]!) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  /** Closes every socket with 1001 (going away) so clients reconnect to another node. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const conn of this.connections) conn.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Takes the server's upgrades to /ws. Others are refused unless `othersHandled`: Next.js
   * attaches its own upgrade listener to the server on its first request (its dev reload
   * socket), and a second answer to the same upgrade breaks the handshake.
   */
  attach(server: Server, othersHandled = false): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/ws') this.handleUpgrade(req, socket, head);
      else if (!othersHandled) socket.destroy();
    });
  }
}
