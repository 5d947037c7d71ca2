import ipaddr from 'ipaddr.js';

/**
 * Where the photo importer may fetch from: the hosts the operator names in
 * PHOTO_IMPORT_HOSTS and nothing else. A listing's photo URL is written by whoever wrote
 * the listing (an import file, a host, the operator's token); fetching any URL on their
 * word would let them make this server call its own admin ports, the cloud's metadata
 * address (169.254.169.254) or a machine on the private network (request forgery).
 */
export class PhotoFetchPolicy {
  private readonly exact = new Set<string>();
  /** `*.example.com` entries as `.example.com` with their port. */
  private readonly suffixes: { suffix: string; port: string }[] = [];

  constructor(
    entries: readonly string[],
    /** Hosts that resolve to loopback, private or link-local addresses are fetched too: tests, or an image host on the operator's own network. */
    readonly allowPrivate = false,
  ) {
    for (const raw of entries) {
      const { host, port } = splitEntry(raw);
      if (host.startsWith('*.')) this.suffixes.push({ suffix: host.slice(1), port });
      else this.exact.add(`${host}:${port}`);
    }
  }

  /** Fetching nothing: no host named. */
  get empty(): boolean {
    return this.exact.size === 0 && this.suffixes.length === 0;
  }

  /**
   * Whether a URL may be fetched: https only, a named host, on 443 unless the entry names
   * a port. Never a URL with credentials in it.
   */
  allows(target: string | URL): boolean {
    let url: URL;
    try {
      url = typeof target === 'string' ? new URL(target) : target;
    } catch {
      return false;
    }
    if (url.protocol !== 'https:' || url.username || url.password) return false;
    const host = url.hostname.toLowerCase();
    const port = url.port || '443';
    if (this.exact.has(`${host}:${port}`)) return true;
    return this.suffixes.some((s) => s.port === port && host.endsWith(s.suffix) && host.length > s.suffix.length);
  }

  /** Whether a resolved address may be connected to. */
  addressAllowed(address: string): boolean {
    return this.allowPrivate || isPublicAddress(address);
  }
}

/** `host`, `host:port`, `[v6]:port`, `*.domain` as host and port (443 when none is named). */
function splitEntry(raw: string): { host: string; port: string } {
  const entry = raw.trim().toLowerCase();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { host: `[${v6[1]}]`, port: v6[2] ?? '443' };
  const m = /^([^:]+)(?::(\d+))?$/.exec(entry);
  if (!m) throw new Error(`"${raw}" is not a host name, host:port or *.domain`);
  return { host: m[1]!, port: m[2] ?? '443' };
}

/** Checks a PHOTO_IMPORT_HOSTS value (comma-separated); the message names the bad entry. */
export function parsePhotoHosts(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries) {
    const { host } = splitEntry(e);
    const name = host.startsWith('*.') ? host.slice(2) : host;
    const ok = (host.startsWith('[') && ipaddr.isValid(host.slice(1, -1))) || ipaddr.IPv4.isValidFourPartDecimal(name) || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(name);
    if (!ok) throw new Error(`"${e}" is not a host name, host:port or *.domain`);
  }
  return entries;
}

/**
 * True for an address on the public internet: not loopback, private (RFC 1918, unique
 * local), link-local (the cloud metadata service), carrier-grade NAT, multicast,
 * reserved or documentation ranges, nor an IPv4 address inside an IPv6 one (mapped,
 * 6to4, NAT64, Teredo), which would reach the same machines by another spelling.
 * ipaddr.js keeps the table of special ranges: `unicast` is what is left.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}
