/**
 * bench:messages' baseline: Socket.IO with @socket.io/redis-adapter delivering each message
 * to its recipient's room (`user:<id>`, joined at connect) and the sender's, on whatever
 * node holds them — the classic clustered chat. It stores nothing and acknowledges at once
 * (Roost commits each message first), so it is the lighter of the two by design.
 */
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const pub = new Redis(process.env.REDIS_URL!);
const sub = pub.duplicate();
const server = http.createServer((_req, res) => res.writeHead(404).end());
const io = new Server(server, { adapter: createAdapter(pub, sub), transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => {
  const account = String((socket.handshake.auth as { account?: string }).account ?? '');
  void socket.join(`user:${account}`);
  socket.on('send', (m: { to: string; clientId: string; text: string }, ack?: () => void) => {
    io.to([`user:${m.to}`, `user:${account}`]).emit('message', { clientId: m.clientId, text: m.text, from: account });
    ack?.();
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
process.once('SIGTERM', () => process.exit(0));
