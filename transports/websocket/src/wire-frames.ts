import type { Frame, Logger } from "@fawkes/core";

/**
 * Unmasked, uncompressed server-to-client WebSocket frames (RFC 6455 5.2), header
 * and payload in one buffer so each delivery is one write.
 *
 * A broadcast hands the same frame object to every subscriber in a row, so the
 * last two frames built are remembered (two: subscribers on two serializers
 * alternate). No `WeakMap`: most frames (replies, pushes) go to one connection
 * only, and weak entries for them would cost the garbage collector on every
 * message.
 */
export class WireFrames {
  private frameA: Frame | undefined;
  private wireA: Buffer = EMPTY;
  private frameB: Frame | undefined;
  private wireB: Buffer = EMPTY;

  /** The frame's wire bytes; callers must not modify them. */
  get(frame: Frame): Buffer {
    if (frame === this.frameA) return this.wireA;
    if (frame === this.frameB) return this.wireB;
    const wire = encodeWire(frame);
    this.frameB = this.frameA;
    this.wireB = this.wireA;
    this.frameA = frame;
    this.wireA = wire;
    return wire;
  }
}

const EMPTY = Buffer.alloc(0);

/** One complete frame: FIN + opcode, 7/16/64-bit length, payload. */
export function encodeWire(frame: Frame): Buffer {
  const text = frame.opcode === "text";
  const length = text ? Buffer.byteLength(frame.data, "utf8") : frame.data.byteLength;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = text ? 0x81 : 0x82;
  if (header === 2) {
    out[1] = length;
  } else if (header === 4) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (text) out.write(frame.data, header, "utf8");
  else out.set(frame.data, header);
  return out;
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
 *
 * The flush runs from `process.nextTick`, where a throw would reach the process:
 * each uncork is guarded on its own (logged), so one failing socket neither
 * escapes nor leaves the others corked.
 */
export class CorkBatch {
  /** Changes every time the batch is flushed: a socket corked in this epoch still is. */
  epoch = 0;
  private corked: CorkableSocket[] = [];
  private readonly flush = (): void => {
    const sockets = this.corked;
    this.corked = [];
    this.epoch++;
    for (let i = 0; i < sockets.length; i++) {
      // Not core's `guarded`: its wrapper allocates per call, and this runs once per socket per tick.
      try {
        sockets[i]!.uncork();
      } catch (cause) {
        this.log.error("websocket uncork failed", { code: "ERR_TRANSPORT_CALLBACK", cause });
      }
    }
  };

  constructor(private readonly log: Logger) {}

  /** Cork `socket` until the end of this tick; call at most once per socket per {@link epoch}. */
  add(socket: CorkableSocket): void {
    if (this.corked.length === 0) process.nextTick(this.flush);
    socket.cork();
    this.corked.push(socket);
  }
}
