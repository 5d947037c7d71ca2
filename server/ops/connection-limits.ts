import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import { budgetKey } from './forwarded';

/**
 * How long a request may take to arrive (CONTRACT.md "HTTP API"): its headers within 10 s,
 * the whole of it within 30 s, else 408 and the connection closes. Node checks the open
 * connections against these every `connectionsCheckingInterval`; at its default (30 s) a
 * silent connection would live up to 40 s.
 */
export const HTTP_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 } as const;

/**
 * Connections the kernel may hold for us before we accept them. Node's default (511)
 * overflows under a flood of connections, and a dropped SYN costs an honest client a
 * second (its retransmit); Linux caps it at net.core.somaxconn (4096 on current kernels).
 */
export const LISTEN_BACKLOG = 4096;

/** Descriptors kept back from the connection cap for the stores, brokers, logs and files. */
const DESCRIPTORS_KEPT = 1_000;
/** The cap where the open-files limit cannot be read. */
const FALLBACK_MAX_CONNECTIONS = 10_000;

/**
 * Connections this node accepts at once when HTTP_MAX_CONNECTIONS is not set: what the
 * process's open-files limit leaves after the descriptors it needs for everything else, so
 * a flood of connections is refused at the door instead of running the node out of
 * descriptors (then even its database file cannot be opened).
 */
export function defaultMaxConnections(limitsFile = '/proc/self/limits'): number {
  try {
    const soft = Number(/^Max open files\s+(\d+)/m.exec(fs.readFileSync(limitsFile, 'utf8'))?.[1]);
    if (Number.isFinite(soft) && soft > 0) return Math.max(100, soft - DESCRIPTORS_KEPT);
  } catch {
    // not Linux
  }
  return FALLBACK_MAX_CONNECTIONS;
}

export interface ConnectionLimitOptions {
  /** Connections the node holds at once; past it new ones are closed as they arrive. */
  maxConnections: number;
  /** Connections one address may hold at once (sockets included); null: no cap (behind a proxy, which caps per client itself). */
  maxPerIp: number | null;
  /** A connection was refused by a cap (for /metrics). */
  onRefused?: (limit: 'http_per_ip' | 'http_connections') => void;
}

/** What a connection sent that the HTTP parser or the clock refused, as a status and a reason. */
function clientFault(err: NodeJS.ErrnoException): [number, string, string] {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'request_timeout', 'the request did not arrive whole within 30 s (its headers within 10 s)'];
  if (err.code === 'HPE_HEADER_OVERFLOW') return [431, 'headers_too_large', 'the request line and headers are too large'];
  return [400, 'bad_request', 'malformed HTTP request'];
}

/**
 * Caps what connections can hold: per address and in all (HTTP and live sockets alike,
 * since an upgraded socket is still one of the server's connections), and answers what
 * the parser or the timeouts refuse with the API's error JSON before closing. The server
 * must have been made with HTTP_TIMEOUTS.
 */
export function limitConnections(server: http.Server, o: ConnectionLimitOptions): void {
  server.maxConnections = o.maxConnections;
  server.on('drop', () => o.onRefused?.('http_connections'));
  if (o.maxPerIp !== null) {
    const cap = o.maxPerIp;
    const open = new Map<string, number>();
    // Node's HTTP server sets a connection up (parser, timers, its list of connections) in
    // the one 'connection' listener its constructor adds. A refused connection must not pay
    // for that: under a flood of them it is most of what the flood costs. So the cap runs
    // first, and hands on only the connections it lets in.
    const httpListeners = server.listeners('connection') as ((socket: net.Socket) => void)[];
    server.removeAllListeners('connection');
    server.on('connection', (socket: net.Socket) => {
      const ip = budgetKey(socket.remoteAddress ?? '');
      const n = (open.get(ip) ?? 0) + 1;
      if (n > cap) {
        // Closed before a byte is read, with a reset rather than a FIN: no close handshake
        // and no TIME_WAIT for the node to carry.
        o.onRefused?.('http_per_ip');
        socket.resetAndDestroy();
        return;
      }
      open.set(ip, n);
      socket.once('close', () => {
        const left = (open.get(ip) ?? 1) - 1;
        if (left <= 0) open.delete(ip);
        else open.set(ip, left);
      });
      for (const listener of httpListeners) listener.call(server, socket);
    });
  }
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way cannot take another in front of it: just close.
    const started = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage?.headersSent ?? false;
    if (err.code === 'ECONNRESET' || !socket.writable || started) {
      socket.destroy();
      return;
    }
    const [status, code, message] = clientFault(err);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // A client that does not read its answer must not hold the socket open either.
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
}
