import {
  CloseCode,
  SlowConsumerWatch,
  truncateCloseReason,
  type Backpressure,
  type ConnectionPort,
  type ConnectionSink,
  type Frame,
  type Logger,
} from "@fawkes/core";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { IdleTracked } from "./idle-sweeper.js";
import { encodeWire, type CorkBatch, type WireFrames } from "./wire-frames.js";

/** What one connection shares with its transport instance. */
export interface ConnectionContext {
  readonly wire: WireFrames;
  readonly corks: CorkBatch;
  readonly backpressure: Backpressure;
  readonly log: Logger;
  readonly name: string;
  /** The connection ended: stop tracking it. */
  forget(connection: WebSocketConnection): void;
}

const OPEN = 1;

/**
 * One accepted WebSocket: the core's sink, and the bridge from ws events to the
 * core's port. Reports `closed` to the core exactly once, whoever closes.
 *
 * Only `ws`'s public API is used (a `ws` release may rename any `_` field).
 *
 * `send` takes one of two paths, chosen once per connection and never mixed:
 * - **direct** (no extension negotiated, the usual case): the frame's wire bytes
 *   (built once per broadcast) are written to the upgrade socket itself, the
 *   `Duplex` that was handed to `ws.handleUpgrade` and that `ws` writes to, corked
 *   for the rest of the tick for broadcasts. Order holds because every data frame
 *   of the connection takes this path, in call order, into one FIFO stream:
 *   `ws.send` is never called for it, so `ws`'s sender queue (which only holds
 *   frames behind a permessage-deflate job or a `Blob` read) has no data frame to
 *   hold back. What `ws` still writes itself are control frames: a pong may land
 *   between two of our frames, which RFC 6455 5.5 allows, and the close frame
 *   comes after everything we wrote, since `ws.close()` and a received close move
 *   `readyState` off OPEN before it is written and we write only while OPEN.
 * - **`ws.send`** (permessage-deflate negotiated): `ws` compresses and orders.
 *
 * Back-pressure is core's {@link SlowConsumerWatch} over `ws.bufferedAmount` (bytes
 * in the TCP socket's buffer, corked ones included, plus ws's own queue). Below
 * `maxBufferedBytes` a send costs a few property reads and a comparison: the watch
 * (and its timer) only exists from a send that found the output above the soft
 * limit until a send that finds it below again, so the grace period counts time
 * spent above the limit without a break, as a poll's drain does on LongPoll.
 */
export class WebSocketConnection implements ConnectionSink, IdleTracked {
  idleSweeps = 0;
  private port: ConnectionPort | undefined;
  /** False once we stop writing (closing or closed). */
  private writable = true;
  private reported = false;
  private corkedIn = -1;
  /** Past the hard ceiling: write nothing more while the cut-off (next tick) is pending. */
  private stalled = false;
  private watch: SlowConsumerWatch | undefined;
  /** Frames go to {@link socket} ourselves, never through `ws.send` (see the class notes). */
  private readonly direct: boolean;

  /**
   * @param ws the `ws` WebSocket that `handleUpgrade` opened on `socket`
   * @param socket the upgrade `Duplex` (the TCP or TLS socket) that `ws` writes to
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly context: ConnectionContext,
  ) {
    // `extensions` is "" unless the handshake negotiated one (permessage-deflate is the only one ws knows).
    this.direct = ws.extensions === "";
  }

  /** Bind the core's port and start listening to the socket. */
  bind(port: ConnectionPort): void {
    this.port = port;
    // Shared listeners find their connection on the ws object: no closures per
    // connection (memory per idle connection is a benchmark figure).
    (this.ws as Tagged)[CONNECTION] = this;
    this.ws.on("message", onMessage);
    this.ws.on("ping", onPing);
    this.ws.on("error", onError);
    this.ws.on("close", onClose);
  }

  /** @internal */
  received(data: Buffer, isBinary: boolean): void {
    this.idleSweeps = 0;
    if (this.reported) return;
    this.port!.receive(isBinary ? { opcode: "binary", data } : { opcode: "text", data: data.toString("utf8") });
  }

  /** @internal */
  failed(error: Error & { code?: string }): void {
    // ws closes the socket itself (1009 oversize, 1007 bad UTF-8, 1002 protocol).
    this.context.log.debug("websocket error; closing", { transport: this.context.name, code: error.code });
  }

  /** @internal */
  ended(code: number, reason: Buffer): void {
    this.writable = false;
    this.watch?.stop();
    this.context.forget(this);
    this.report(code, reason.toString("utf8"));
  }

  // ConnectionSink

  send(frame: Frame, shared = false): void {
    if (!this.writable || this.stalled || this.ws.readyState !== OPEN) return;
    if (this.direct) {
      // Broadcast frames: built once for all subscribers, and corked until the end
      // of the tick so a burst of broadcasts leaves in one writev per socket. Other
      // frames (replies, pushes) are written at once: a write to a socket corked in
      // this tick queues behind what is already there, so order holds either way.
      if (shared) {
        const corks = this.context.corks;
        if (this.corkedIn !== corks.epoch) {
          corks.add(this.socket);
          this.corkedIn = corks.epoch;
        }
      }
      this.socket.write(shared ? this.context.wire.get(frame) : encodeWire(frame));
    } else {
      this.ws.send(frame.data, { binary: frame.opcode === "binary" });
    }
    // The socket's buffer (corked bytes included) plus ws's own queue.
    const queued = this.ws.bufferedAmount;
    if (queued > this.context.backpressure.maxBufferedBytes) this.behind(queued);
    else if (this.watch !== undefined) this.caughtUp();
  }

  close(code: number, reason: string): void {
    if (!this.writable) return;
    this.writable = false;
    this.closeSocket(code, reason);
  }

  // IdleTracked

  idle(): void {
    this.closeFromServer(CloseCode.GoingAway, "idle timeout");
  }

  /** Close for shutdown without waiting for the client. */
  terminate(): void {
    this.writable = false;
    this.ws.terminate();
  }

  /** True until the ws `close` event. */
  get open(): boolean {
    return this.ws.readyState !== this.ws.CLOSED;
  }

  /** @internal A listener of ours threw: log it and close only this connection. */
  crashed(what: string, cause: unknown): void {
    this.context.log.error(`${what} failed`, { transport: this.context.name, code: "ERR_TRANSPORT_CALLBACK", cause });
    this.closeFromServer(CloseCode.InternalError, "ERR_TRANSPORT_CALLBACK");
    this.report(CloseCode.InternalError, "ERR_TRANSPORT_CALLBACK"); // in case it threw while already closing
  }

  /** Output is above the soft limit: let the shared policy decide (it cuts off on a later tick). */
  private behind(queued: number): void {
    const limits = this.context.backpressure;
    (this.watch ??= new SlowConsumerWatch(
      limits,
      () => this.ws.bufferedAmount,
      () => this.slowConsumer(),
    )).check();
    // The rest of this tick's fan-out must not grow the buffer past the ceiling.
    if (queued > limits.hardMaxBufferedBytes) this.stalled = true;
  }

  /** Output was seen below the soft limit again: a later rise starts a fresh grace period. */
  private caughtUp(): void {
    this.watch!.stop();
    this.watch = undefined;
  }

  private slowConsumer(): void {
    if (!this.writable) return;
    this.context.log.warn("closing a connection whose client stays behind", {
      transport: this.context.name,
      code: "ERR_SLOW_CONSUMER",
      queued: this.ws.bufferedAmount,
    });
    this.closeFromServer(CloseCode.PolicyViolation, "ERR_SLOW_CONSUMER");
  }

  /** A close the transport decides: tell the core now rather than at the TCP close. */
  private closeFromServer(code: number, reason: string): void {
    if (!this.writable) return;
    this.writable = false;
    this.watch?.stop();
    this.closeSocket(code, reason);
    this.report(code, reason);
  }

  private closeSocket(code: number, reason: string): void {
    try {
      this.ws.close(wsCloseCode(code), truncateCloseReason(reason));
    } catch {
      this.ws.terminate();
    }
  }

  private report(code: number | undefined, reason: string): void {
    if (this.reported || this.port === undefined) return;
    this.reported = true;
    try {
      this.port.closed({ code, reason });
    } catch (cause) {
      this.context.log.error("the core failed while closing a connection", { transport: this.context.name, cause });
    }
  }
}

const CONNECTION = Symbol("fawkes.connection");
type Tagged = WebSocket & { [CONNECTION]?: WebSocketConnection };

// Shared listeners, one set per process: they find their connection on the ws
// object (`this`), which core's `guarded` wrapper does not pass on, so each
// guards itself the same way: a throw is logged and closes only that connection.
function onMessage(this: Tagged, data: Buffer, isBinary: boolean): void {
  const connection = this[CONNECTION]!;
  try {
    connection.received(data, isBinary);
  } catch (cause) {
    connection.crashed("websocket message", cause);
  }
}
function onPing(this: Tagged): void {
  this[CONNECTION]!.idleSweeps = 0;
}
function onError(this: Tagged, error: Error & { code?: string }): void {
  const connection = this[CONNECTION]!;
  try {
    connection.failed(error);
  } catch (cause) {
    connection.crashed("websocket error", cause);
  }
}
function onClose(this: Tagged, code: number, reason: Buffer): void {
  const connection = this[CONNECTION]!;
  try {
    connection.ended(code, reason);
  } catch (cause) {
    connection.crashed("websocket close", cause);
  }
}

/**
 * The close code to hand `ws`, which throws for any code a close frame may not
 * carry (RFC 6455 7.4: 1000-1014 but 1004, 1005, 1006; 3000-4999). Every code
 * Fawkes sends (1000, 1001, 1007, 1008, 1009, 1011, 1012, 4xxx) passes
 * unchanged; anything else becomes 1011.
 */
export function wsCloseCode(code: number): number {
  const valid = Number.isInteger(code) && ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999));
  return valid ? code : CloseCode.InternalError;
}
