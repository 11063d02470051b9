/**
 * The codec contract of the official `phoenix` JavaScript client: what its
 * `Socket` options `encode` / `decode` receive and produce. Binary serializer
 * packages (`@fawkes/msgpack/client`, `@fawkes/protobuf/client`) export codecs of
 * this shape; `@fawkes/conformance` adapts them into its client codecs. Browser-safe
 * (no Node API or type), served as `@fawkes/core/codec`.
 */
import { CodecError } from "./codec-error.js";

/** A message as the phoenix client hands it to `encode` and expects it from `decode`. */
export interface PhoenixClientMessage {
  /** Absent (as on the client's heartbeats) is read as null when encoding. */
  readonly join_ref: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/** The three `Socket` options a codec supplies: spread it into `new Socket(url, {...})`. */
export interface PhoenixCodec {
  readonly vsn: string;
  /**
   * Encode a {@link PhoenixClientMessage} (typed `object` so the codec fits
   * `@types/phoenix`'s `SocketConnectOption`) into the bytes handed to `WebSocket.send`.
   */
  encode(message: object, callback: (encoded: Uint8Array) => void): void;
  decode(raw: ArrayBuffer | ArrayBufferView | string, callback: (message: PhoenixClientMessage) => void): void;
}

/**
 * A ref as the phoenix client hands it over: `null` or `undefined` (no ref, as on
 * heartbeats) is null; anything else is its string. `""` stays `""`: the client's
 * own serializer never turns a string ref into null (its binary decoder yields `""`
 * for an empty field and its JSON codec passes `""` through), and formats that
 * carry null (MessagePack, protobuf) must not lose the difference.
 */
export function refOrNull(ref: unknown): string | null {
  return ref === null || ref === undefined ? null : String(ref);
}

/**
 * The message `encode` was handed, checked: a string `topic` and `event`, refs read
 * with {@link refOrNull}. Throws `CodecError` `ERR_UNENCODABLE` otherwise.
 */
export function toPhoenixClientMessage(value: object): PhoenixClientMessage {
  const m = value as Partial<PhoenixClientMessage>;
  if (typeof m.topic !== "string" || typeof m.event !== "string") throw new CodecError("ERR_UNENCODABLE", "a message needs a string topic and event");
  return { join_ref: refOrNull(m.join_ref), ref: refOrNull(m.ref), topic: m.topic, event: m.event, payload: m.payload };
}

/**
 * The bytes of a binary frame `decode` was handed (an `ArrayBuffer` or a view, not
 * copied). Throws `CodecError` `ERR_TEXT_FRAME` for a string (the socket's
 * `binaryType` is not `"arraybuffer"`) and `ERR_MALFORMED_FRAME` for anything else.
 */
export function binaryFrameBytes(raw: ArrayBuffer | ArrayBufferView | string): Uint8Array {
  if (typeof raw === "string") throw new CodecError("ERR_TEXT_FRAME", 'expected a binary frame; is the socket\'s binaryType "arraybuffer"?');
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  throw new CodecError("ERR_MALFORMED_FRAME", "expected an ArrayBuffer");
}
