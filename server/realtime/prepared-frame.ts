import * as ws from 'ws';
import type WebSocket from 'ws';

/**
 * A text message framed once for every socket it goes to. `socket.send(text)` encodes the
 * string and builds a header for each socket, then writes the two with a writev; a change
 * that reaches a few hundred watchers pays that a few hundred times. Framed once, each
 * socket costs one write of a shared buffer.
 *
 * Server frames are never masked, and Roost's sockets never compress (perMessageDeflate
 * is off), so the bytes are the same for every socket. Handing them to ws's sender is what
 * engine.io does for Socket.IO broadcasts (`wsPreEncodedFrame`); where the sender is not
 * in its idle state (a compressed or Blob frame ahead in its queue) the frame goes through
 * the public `send` instead, so order is kept.
 */
export class PreparedFrame {
  /** Header and payload in one buffer: one write per socket, not a writev of two. */
  private readonly bytes: Buffer;

  constructor(readonly text: string) {
    const [header, payload] = senderClass().frame(Buffer.from(text), {
      fin: true,
      opcode: TEXT,
      mask: false,
      readOnly: true,
      rsv1: false,
    });
    this.bytes = payload ? Buffer.concat([header!, payload]) : header!;
  }

  /**
   * Writes frames to an open socket, in order, with one write for all of them: several
   * changes waiting for the same socket cost one syscall, not one each.
   */
  static writeAll(socket: WebSocket, frames: PreparedFrame[]): void {
    const sender = (socket as unknown as { _sender?: SenderInternals })._sender;
    if (sender && sender._state === IDLE && sender._queue.length === 0 && typeof sender.sendFrame === 'function') {
      sender.sendFrame([frames.length === 1 ? frames[0]!.bytes : Buffer.concat(frames.map((f) => f.bytes))]);
    } else {
      for (const f of frames) socket.send(f.text);
    }
  }
}

/** ws's Sender class (exported by ws, not declared by @types/ws): its framing function. */
interface SenderClass {
  frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
}

const TEXT = 1;

/** ws's ESM entry exports Sender by name; its CommonJS entry hangs it on the default export. */
function senderClass(): SenderClass {
  const m = ws as unknown as { Sender?: SenderClass; default?: { Sender?: SenderClass } };
  const found = m.Sender ?? m.default?.Sender;
  if (!found) throw new Error('ws does not export its Sender: check the ws version');
  return found;
}

/** ws's Sender as far as we touch it (ws 8): its state, its queue, and the raw write. */
interface SenderInternals {
  _state: number;
  _queue: unknown[];
  sendFrame(list: Buffer[], cb?: (err?: Error) => void): void;
}

/** ws 8's Sender state when nothing is being compressed or read ahead of the next frame. */
const IDLE = 0;
