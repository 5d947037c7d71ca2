import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/**
 * What a request's forwarding headers may be believed for: who the client is, whether it
 * came over TLS, which host it asked for. Each is the socket's own unless TRUST_PROXY says
 * how many proxies stand in front (`trustedHops`); any client can write these headers, so
 * without that they are ignored.
 */

function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  const text = Array.isArray(raw) ? raw.join(',') : raw;
  if (!text) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** An address as a key: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as plain IPv4; anything else as given. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** The eight groups of an IPv6 address, `::` filled in and a dotted IPv4 tail as two groups. */
function ipv6Groups(address: string): number[] {
  let a = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (dotted) {
    const [b1, b2, b3, b4] = dotted.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, dotted.index)}${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`;
  }
  const [left, right] = a.split('::') as [string, string | undefined];
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  return groups.map((g) => parseInt(g, 16));
}

/**
 * The client as the per-address limits count it: an IPv4 address, or an IPv6 address's /64.
 * One subscriber is given a /64 or more (RFC 6177) and picks addresses in it at will
 * (privacy extensions make a new one a day); counted by full address, one home would get
 * 2^64 budgets.
 */
export function budgetKey(address: string): string {
  const plain = plainAddress(address);
  if (!net.isIPv6(plain)) return plain;
  return `${ipv6Groups(plain)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The client, as per-address budgets and caps count it (budgetKey: an IPv6 address by its
 * /64). Each proxy appends the address it was connected from to X-Forwarded-For, so with
 * `trustedHops` proxies in front the client is that many entries from the right; entries
 * further left were written by the client and prove nothing (nginx's
 * `$proxy_add_x_forwarded_for` keeps whatever the client sent). A request that passed fewer
 * proxies than that (fewer entries) gets the leftmost one. Express's `trust proxy = N` does
 * the same.
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const socketAddress = budgetKey(req.socket.remoteAddress ?? 'unknown');
  if (trustedHops <= 0) return socketAddress;
  const hops = headerList(req, 'x-forwarded-for');
  if (hops.length === 0) return socketAddress;
  const hop = hops[Math.max(0, hops.length - trustedHops)]!;
  // A port or brackets some proxies add ([::1]:5000, 1.2.3.4:5000) are not part of the address.
  const bare = hop.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  return net.isIP(bare) ? budgetKey(bare) : socketAddress;
}

/** Whether the client reached us over TLS: this socket's own, or the trusted proxy's X-Forwarded-Proto. */
export function cameOverTls(req: IncomingMessage, trustedHops: number): boolean {
  if ('encrypted' in req.socket && req.socket.encrypted) return true;
  if (trustedHops <= 0) return false;
  // The outermost proxy knows the scheme the browser used; inner ones only pass it on.
  return headerList(req, 'x-forwarded-proto')[0]?.toLowerCase() === 'https';
}

/** The origin the browser used for this request (`https://roost.example`), to check an Origin header against. */
export function requestOrigin(req: IncomingMessage, trustedHops: number): string | null {
  const host = (trustedHops > 0 ? headerList(req, 'x-forwarded-host')[0] : undefined) ?? req.headers.host;
  if (!host) return null;
  return `${cameOverTls(req, trustedHops) ? 'https' : 'http'}://${host}`;
}

/** Whether a request came to this node straight from this machine (no proxy in between that says otherwise). */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  const local = peer === '::1' || peer.startsWith('127.');
  // A proxy on this machine connects over loopback too, for clients anywhere: a request
  // that says it was forwarded is not a local one.
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined || req.headers['x-real-ip'] !== undefined;
  return local && !forwarded;
}

/**
 * A node behind a proxy it was not told of (TRUST_PROXY=0, requests carrying
 * X-Forwarded-For) takes every client for the proxy: one address, one rate budget, one
 * socket cap for all. Believing the header unasked would let any client name itself, so it
 * is not believed; the operator is told once instead.
 */
export function undeclaredProxyNotice(trustedHops: number, warn: (message: string) => void): (req: IncomingMessage) => void {
  let told = trustedHops > 0;
  return (req) => {
    if (told || req.headers['x-forwarded-for'] === undefined) return;
    told = true;
    warn(
      `requests arrive with X-Forwarded-For but TRUST_PROXY is 0: every client behind that proxy shares its address (${req.socket.remoteAddress}) and its rate limits; set TRUST_PROXY to the number of proxies in front (1 for one nginx)`,
    );
  };
}
