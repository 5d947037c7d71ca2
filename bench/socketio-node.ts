/**
 * The push benchmark's baseline: Socket.IO with @socket.io/redis-adapter, the classic
 * clustered design. A client joins the room of the tile it watches; a write posted to any
 * node is emitted to that tile's room on every node through Redis. It stores nothing
 * (Roost commits each write to SQLite first), so it is the lighter of the two.
 */
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { geotileKey } from '../server/core/geotile';

import { BASELINE_TILE_ZOOM } from './push-tiles';

const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL!;
const pub = new Redis(redisUrl);
const sub = pub.duplicate();

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/write') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const listing = JSON.parse(body) as { id: string; lat: number; lon: number };
    io.to(geotileKey(listing.lat, listing.lon, BASELINE_TILE_ZOOM)).emit('listing', { type: 'listing', op: 'upsert', listing });
    res.writeHead(201, { 'content-type': 'application/json' }).end(body);
  });
});
const io = new Server(server, { adapter: createAdapter(pub, sub), transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => {
  socket.on('watch', (tile: string) => {
    for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
    void socket.join(tile);
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
process.once('SIGTERM', () => process.exit(0));
