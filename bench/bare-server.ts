/**
 * The baseline of `ratioToBare`: a bare Socket.io server doing the same fan-out as Parley's
 * `send` (per-room `seq`, an ack, the event broadcast to the room) with no authentication,
 * validation or storage. Rooms come from the handshake's `auth.rooms`. Same transport settings
 * as the Parley hub; started and measured like `bench/serve.ts` (READY line, IPC stats).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { answerStats } from './process-stats.js';

interface SendPayload {
  conversationId: string;
  message: { header: { msgId: string; sender: string } };
}

const http = createServer();
const io = new Server(http, {
  transports: ['websocket', 'polling'],
  serveClient: false,
  maxHttpBufferSize: 128 * 1024,
});
const seqs = new Map<string, number>();
io.on('connection', (socket) => {
  const rooms = (socket.handshake.auth as { rooms?: string[] }).rooms ?? [];
  void socket.join(rooms);
  socket.on('send', (payload: SendPayload, ack: (response: object) => void) => {
    const room = payload.conversationId;
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const ts = Date.now();
    const { msgId, sender } = payload.message.header;
    ack({ ok: true, id: msgId, seq, ts });
    io.to(room).emit('event', {
      conversationId: room,
      seq,
      ts,
      sender,
      kind: 'message',
      id: msgId,
      message: payload.message,
    });
  });
});
http.listen(0, '127.0.0.1', () => {
  answerStats();
  process.stdout.write(`READY http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
