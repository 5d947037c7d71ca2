import type { IncomingMessage, ServerResponse } from 'node:http';
import type https from 'node:https';
import { startLocalHttps } from './local-https';
import sharp from 'sharp';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A JPEG of one flat colour with a disc on it: a real photo file, different for each seed. */
export async function testJpeg(seed: number, width = 640, height = 480): Promise<Buffer> {
  const r = (seed * 67) % 256;
  const g = (seed * 131) % 256;
  const b = (seed * 29) % 256;
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="rgb(${255 - r},${255 - g},${255 - b})"/></svg>`) }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * An HTTPS image host of the test's own on loopback, with a certificate made for the
 * occasion (`localhost` and 127.0.0.1): real TLS, real redirects, real slow and huge
 * bodies. Counts every request by path, and the most it had open at once.
 */
export class ImageServer {
  readonly requests = new Map<string, number>();
  /** When each request arrived, in order (ms since the epoch), by path. */
  readonly arrivals: { path: string; at: number }[] = [];
  open = 0;
  mostOpen = 0;
  private readonly routes = new Map<string, Handler>();

  private constructor(
    private readonly server: https.Server,
    readonly port: number,
    /** The certificate, which is its own CA: hand it to the client as `ca`. */
    readonly ca: string,
    readonly caFile: string,
  ) {}

  static async start(): Promise<ImageServer> {
    let self: ImageServer | null = null;
    const h = await startLocalHttps('image-server', (req, res) => self!.handle(req, res));
    self = new ImageServer(h.server, h.port, h.ca, h.caFile);
    return self;
  }

  /** `https://localhost:PORT/path` (or another host name for the same server). */
  url(p: string, host = 'localhost'): string {
    return `https://${host}:${this.port}${p}`;
  }

  route(p: string, handler: Handler): void {
    this.routes.set(p, handler);
  }

  /** Serves an image at `p`, optionally after `delayMs`. */
  image(p: string, bytes: Buffer, { delayMs = 0, type = 'image/jpeg' }: { delayMs?: number; type?: string } = {}): void {
    this.route(p, (_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': type, 'content-length': bytes.length });
        res.end(bytes);
      }, delayMs);
    });
  }

  count(p: string): number {
    return this.requests.get(p) ?? 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const p = new URL(req.url ?? '/', 'https://x').pathname;
    this.requests.set(p, this.count(p) + 1);
    this.arrivals.push({ path: p, at: Date.now() });
    this.open++;
    this.mostOpen = Math.max(this.mostOpen, this.open);
    res.once('close', () => this.open--);
    res.on('error', () => undefined);
    const handler = this.routes.get(p);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not here');
      return;
    }
    handler(req, res);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
