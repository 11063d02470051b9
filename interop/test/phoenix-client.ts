// Helpers to drive the official phoenix client (npm `phoenix`) in Node against a Fawkes server.
import { Socket, type Channel } from "phoenix";
import { WebSocket } from "ws";

export type Vsn = "1.0.0" | "2.0.0";

/** V1 JSON codec for the client: phoenix's default codec speaks V2 only. */
const v1Codec = {
  encode: (msg: unknown, callback: (encoded: string) => void) => callback(JSON.stringify(msg)),
  decode: (raw: string, callback: (decoded: unknown) => void) => callback(JSON.parse(raw)),
};

/**
 * A client codec as `@fawkes/msgpack/client` and `@fawkes/protobuf/client` export it: the
 * vsn it speaks, and its encode/decode (absent: phoenix's own JSON codec under that vsn).
 */
export interface ClientCodec {
  readonly vsn: string;
  readonly encode?: unknown;
  readonly decode?: unknown;
}

/** A phoenix client (not yet connected) for `<baseUrl>/socket`, speaking JSON at `vsn` or the given codec. */
export function phoenixSocket(baseUrl: string, codec: Vsn | ClientCodec, options: Record<string, unknown> = {}): Socket {
  const socket = new Socket(`${baseUrl.replace(/^http/, "ws")}/socket`, {
    transport: WebSocket as never,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 50,
    timeout: 3000,
    ...(typeof codec !== "string" ? codec : { vsn: codec, ...(codec === "1.0.0" ? v1Codec : {}) }),
    ...options,
  } as never);
  return socket;
}

/** Resolves with the reply of `status` for a push, rejects on any other. */
export function receive(push: { receive(status: string, cb: (r: unknown) => void): unknown }, status = "ok"): Promise<unknown> {
  return new Promise((resolve, reject) => {
    push.receive(status, resolve);
    for (const other of ["ok", "error", "timeout"].filter((s) => s !== status)) push.receive(other, (r) => reject(new Error(`${other}: ${JSON.stringify(r)}`)));
  });
}

export function nextEvent(channel: Channel, event: string): Promise<unknown> {
  return new Promise((resolve) => {
    const ref = channel.on(event, (payload) => {
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}
