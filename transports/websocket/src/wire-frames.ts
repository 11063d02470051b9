import * as ws from "ws";
import type { Frame } from "@fawkes/core";

/** The slice of ws's (untyped) `Sender` this transport uses. */
interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[];
}

const Sender = (ws as unknown as { Sender: SenderStatic }).Sender;

/**
 * Unmasked, uncompressed server-to-client WebSocket frames, built once per
 * {@link Frame} object. A broadcast hands the same frame object to every
 * subscriber, so fan-out to N connections frames (and UTF-8 encodes) it once,
 * not N times. Entries live as long as the frame object does.
 */
export class WireFrames {
  private readonly cache = new WeakMap<Frame, Buffer[]>();
  // Fan-out delivers one frame to many connections in a row: remember the last one
  // so the common case skips the WeakMap.
  private last: Frame | undefined;
  private lastWire: Buffer[] = [];

  /** The frame's wire bytes (header, then payload); callers must not modify them. */
  get(frame: Frame): Buffer[] {
    if (frame === this.last) return this.lastWire;
    let wire = this.cache.get(frame);
    if (wire === undefined) {
      wire = frame.opcode === "text"
        ? Sender.frame(Buffer.from(frame.data, "utf8"), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: true })
        : Sender.frame(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), { fin: true, rsv1: false, opcode: 2, mask: false, readOnly: true });
      this.cache.set(frame, wire);
    }
    this.last = frame;
    this.lastWire = wire;
    return wire;
  }
}

/** The part of a net/TLS socket the batch touches. */
export interface CorkableSocket {
  cork(): void;
  uncork(): void;
}

/**
 * Corks sockets written during one tick and uncorks them all once the tick's
 * synchronous work is done, so many small frames to one connection (a burst of
 * pushes and replies) leave in one `writev`.
 */
export class CorkBatch {
  /** Changes every time the batch is flushed: a socket corked in this epoch still is. */
  epoch = 0;
  private corked: CorkableSocket[] = [];
  private readonly flush = (): void => {
    const sockets = this.corked;
    this.corked = [];
    this.epoch++;
    for (let i = 0; i < sockets.length; i++) sockets[i]!.uncork();
  };

  /** Cork `socket` until the end of this tick; call at most once per socket per {@link epoch}. */
  add(socket: CorkableSocket): void {
    if (this.corked.length === 0) process.nextTick(this.flush);
    socket.cork();
    this.corked.push(socket);
  }
}
