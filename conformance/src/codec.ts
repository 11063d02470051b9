/**
 * Client-side codecs: what a client does with frames. The suites use one to
 * speak to a serializer (or, through a transport, to the core) the way a real
 * client would, so a serializer is checked against its client and not against
 * itself.
 */
import { vsnMatches, type Frame, type Message } from "@fawkes/core";
import { refOrNull, type PhoenixClientMessage } from "@fawkes/core/codec";

/**
 * A message as a client writes it: the core's {@link Message} shape. `payload` is
 * JSON-compatible or a `Uint8Array`.
 */
export type ClientMessage = Message;

/**
 * A message as a client reads it. Replies arrive as event `phx_reply` with
 * payload `{status, response}`; binary payloads (and binary responses) are
 * `Uint8Array`s.
 */
export type ServerMessage = ClientMessage;

/** A client's codec for one `vsn`. */
export interface ClientCodec {
  /** The `vsn` query value this client sends, e.g. `2.0.0`. */
  readonly vsn: string;
  /**
   * False when the wire format never carries `join_ref` from server to client
   * (Phoenix V1 JSON); the suites then expect `joinRef` null on everything the
   * server sends. Default true.
   */
  readonly joinRefFromServer?: boolean;
  /** Encode a client message. */
  encode(message: ClientMessage): Frame;
  /** Decode a server frame; throws (any error) when the frame is not readable. */
  decode(frame: Frame): ServerMessage;
}

/** A message as the official `phoenix` client's serializers see it (the core contract). */
export type { PhoenixClientMessage } from "@fawkes/core/codec";

/** The shape of a `phoenix` client serializer (`Socket` option `encode`/`decode`). */
export interface PhoenixClientSerializer {
  encode(message: PhoenixClientMessage, callback: (encoded: string | ArrayBuffer | Uint8Array) => void): unknown;
  decode(raw: string | ArrayBuffer, callback: (message: PhoenixClientMessage) => void): unknown;
}

/**
 * Adapts a `phoenix`-client-style serializer (callbacks, `ArrayBuffer`s,
 * snake_case refs) into a {@link ClientCodec}. The callbacks must run before
 * `encode`/`decode` return. `ArrayBuffer` payloads and responses become
 * `Uint8Array`s; binary payloads are handed to the client serializer as
 * `ArrayBuffer`s, as the `phoenix` client does. Methods are called on
 * `serializer`, so object serializers relying on `this` work.
 *
 * Refs are read with `@fawkes/core/codec`'s `refOrNull`, so `""` stays `""` (a
 * server writing `""` where MessagePack or protobuf carries null is caught). Only
 * Phoenix V2 JSON (a `vsn` matching `~> 2.0.0`) binary frames read an empty ref
 * as null: that format has no null, the server writes an absent ref as an empty
 * field and the official client hands it on as `""`.
 *
 * ```ts
 * const codec = fromPhoenixSerializer("2.0.0-msgpack", msgpackClientSerializer);
 * ```
 */
export function fromPhoenixSerializer(vsn: string, serializer: PhoenixClientSerializer, options: { joinRefFromServer?: boolean } = {}): ClientCodec {
  const emptyBinaryRefIsNull = vsnMatches("~> 2.0.0", vsn);
  return {
    vsn,
    joinRefFromServer: options.joinRefFromServer ?? true,
    encode(message) {
      let out: string | ArrayBuffer | Uint8Array | undefined;
      const payload = message.payload instanceof Uint8Array ? toArrayBuffer(message.payload) : message.payload;
      serializer.encode({ join_ref: message.joinRef, ref: message.ref, topic: message.topic, event: message.event, payload }, (e) => {
        out = e;
      });
      if (out === undefined) throw new Error("the client serializer did not call back synchronously from encode");
      if (typeof out === "string") return { opcode: "text", data: out };
      return { opcode: "binary", data: out instanceof Uint8Array ? out : new Uint8Array(out) };
    },
    decode(frame) {
      let out: PhoenixClientMessage | undefined;
      const raw = frame.opcode === "text" ? frame.data : toArrayBuffer(frame.data);
      serializer.decode(raw, (m) => {
        out = m;
      });
      if (out === undefined || out === null || typeof out !== "object") throw new Error("the client serializer did not decode the frame");
      const readRef = emptyBinaryRefIsNull && frame.opcode === "binary" ? emptyAsNull : refOrNull;
      return {
        joinRef: readRef(out.join_ref),
        ref: readRef(out.ref),
        topic: out.topic,
        event: out.event,
        payload: normalizePayload(out.event, out.payload),
      };
    },
  };
}

/** A ref of a V2 JSON binary frame: an empty field is no ref. */
function emptyAsNull(ref: unknown): string | null {
  return ref === "" ? null : refOrNull(ref);
}

function normalizePayload(event: string, payload: unknown): unknown {
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (event === "phx_reply" && payload !== null && typeof payload === "object") {
    const p = payload as { status?: unknown; response?: unknown };
    if (p.response instanceof ArrayBuffer) return { status: p.status, response: new Uint8Array(p.response) };
  }
  return payload;
}

/** A fresh `ArrayBuffer` holding exactly the bytes of `bytes`. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
