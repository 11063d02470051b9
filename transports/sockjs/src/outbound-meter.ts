import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/**
 * How many bytes one SockJS session has queued for its client and the client
 * has not taken yet: what the slow-consumer policy reads. Counted without
 * reading sockjs internals:
 *
 * - WebSocket (raw and framed): faye-websocket frames every message straight
 *   into the TCP socket this transport was handed at the upgrade, so the queue
 *   is that socket's `writableLength` (Node's own count).
 * - HTTP (xhr-streaming, xhr-polling, eventsource, ...): a message written while
 *   a receiving request is attached goes into that response (its
 *   `writableLength`); one written between two requests waits in sockjs's
 *   session buffer, which this meter counts itself, until the next receiving
 *   request takes all of it (sockjs flushes the whole buffer into every
 *   receiving request it registers).
 */
export interface OutboundMeter {
  /** Bytes queued right now (approximate: SockJS framing adds a few bytes a message). */
  queued(): number;
  /** The session is about to write `bytes` of message text. */
  wrote(bytes: number): void;
  /** A receiving request for the session was just handed to sockjs. */
  attach(res: ServerResponse): void;
  /** Whether a client request is attached now, so a close frame leaves at once. */
  attached(): boolean;
  /** Frees the connection's buffers by force (the client is gone or cut off). */
  destroy(): void;
}

/** The meter of a WebSocket session: the upgraded TCP socket's own queue. */
export class SocketMeter implements OutboundMeter {
  constructor(private readonly socket: Duplex) {}

  queued(): number {
    return this.socket.destroyed ? 0 : this.socket.writableLength;
  }

  wrote(): void {}

  attach(): void {}

  attached(): boolean {
    return !this.socket.destroyed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The meter of an HTTP session: the attached response plus what waits for the next request. */
export class ResponseMeter implements OutboundMeter {
  private unflushed = 0;

  constructor(private current: ServerResponse | undefined) {}

  queued(): number {
    const inResponse = this.current === undefined || this.current.destroyed ? 0 : this.current.writableLength;
    return this.unflushed + inResponse;
  }

  wrote(bytes: number): void {
    if (!this.attached()) this.unflushed += bytes;
  }

  attach(res: ServerResponse): void {
    // sockjs refuses a second receiving request while one is attached (close
    // frame 2010 on the newcomer); the attached one keeps the session.
    if (this.attached()) return;
    this.current = res;
    this.unflushed = 0;
  }

  attached(): boolean {
    return this.current !== undefined && !this.current.writableEnded && !this.current.destroyed;
  }

  destroy(): void {
    this.current?.destroy();
  }
}

/** Reports nothing queued: for a WebSocket session whose upgrade was not seen (its socket is unknown). */
class UnmeteredSession implements OutboundMeter {
  queued(): number {
    return 0;
  }
  wrote(): void {}
  attach(): void {}
  attached(): boolean {
    return true;
  }
  destroy(): void {}
}

/**
 * The meter for a new session, from what its opening request left: the
 * upgraded socket, or the first receiving response. `protocol` is sockjs's
 * documented `conn.protocol` (`websocket`, `websocket-raw`, `xhr-polling`, ...),
 * read only when the opening request was not seen: an HTTP session then counts
 * from its next request; a WebSocket session cannot be measured (never cut off
 * for a count it cannot make).
 */
export function meterFor(
  opening: { readonly socket?: Duplex | undefined; readonly response?: ServerResponse | undefined },
  protocol: string | undefined,
): OutboundMeter {
  if (opening.socket !== undefined) return new SocketMeter(opening.socket);
  if (opening.response !== undefined || !(protocol ?? "").startsWith("websocket")) return new ResponseMeter(opening.response);
  return new UnmeteredSession();
}
