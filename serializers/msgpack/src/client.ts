/**
 * @fawkes/msgpack/client: the MessagePack codec for the official `phoenix` client,
 * in Node and in browsers (no Node-only APIs).
 *
 * ```ts
 * import { Socket } from "phoenix";
 * import { msgpackCodec } from "@fawkes/msgpack/client";
 *
 * const socket = new Socket("/socket", { ...msgpackCodec });   // vsn, encode, decode
 * socket.connect();
 * const channel = socket.channel("room:lobby");
 * channel.join().receive("ok", () => channel.push("new_msg", { body: "hi" }));
 * channel.push("upload", new Uint8Array([1, 2, 3]).buffer);     // binary payload
 * ```
 *
 * A binary payload from the server (a top-level `bin`, or a reply whose `response` is
 * a `bin`) reaches the app as an `ArrayBuffer`, as the stock V2 serializer delivers it;
 * `bin` values nested deeper arrive as `Uint8Array`. An `ArrayBuffer` (or any typed
 * array) pushed by the app travels as `bin`.
 */
import { CodecError, binaryFrameBytes, toPhoenixClientMessage, type PhoenixClientMessage, type PhoenixCodec } from "@fawkes/core/codec";
import { EnvelopeCodec } from "./wire.js";
import { MSGPACK_VSN } from "./vsn.js";

export { MSGPACK_VSN } from "./vsn.js";

// The phoenix-client codec contract and CodecError live in core's browser-safe subpath.
export { CodecError, type PhoenixCodec, type PhoenixClientMessage } from "@fawkes/core/codec";
/** A message as the phoenix client hands it to `encode` and expects it from `decode`. */
export type PhoenixMessage = PhoenixClientMessage;
/** Encoded frame bytes, as handed to `WebSocket.send`. */
export type EncodedFrame = Uint8Array;

/** Options of {@link createMsgpackCodec}. */
export interface MsgpackCodecOptions {
  /** The `vsn` sent to the server. Default `2.0.0-msgpack`; must be one the server lists. */
  readonly vsn?: string;
  /** Deepest payload nesting encoded and accepted. Default 64 (as the server). */
  readonly maxDepth?: number;
  /**
   * Called with the `CodecError` when a frame from the server cannot be decoded; the
   * frame is then dropped. Without it, `decode` throws (as phoenix's own JSON
   * decoder does on bad JSON).
   */
  readonly onDecodeError?: (error: CodecError) => void;
}

/**
 * Build a MessagePack codec for the phoenix client. `encode` throws `CodecError`
 * `ERR_UNENCODABLE` for a payload that is not plain data; `decode` returns through
 * the callback or throws (or reports to `onDecodeError`) a `CodecError` with code
 * `ERR_MALFORMED_FRAME`, `ERR_TEXT_FRAME`, `ERR_TOO_DEEP` or `ERR_UNSUPPORTED_TYPE`.
 */
export function createMsgpackCodec(options: MsgpackCodecOptions = {}): PhoenixCodec {
  const codec = new EnvelopeCodec(options.maxDepth);
  const onDecodeError = options.onDecodeError;
  return {
    vsn: options.vsn ?? MSGPACK_VSN,
    encode(value, callback) {
      const message = toPhoenixClientMessage(value);
      const payload = ArrayBuffer.isView(message.payload) || message.payload instanceof ArrayBuffer ? toBytes(message.payload) : message.payload;
      callback(codec.encode(message.join_ref, message.ref, message.topic, message.event, payload));
    },
    decode(raw, callback) {
      let message: PhoenixMessage;
      try {
        message = toPhoenix(codec.decode(binaryFrameBytes(raw)));
      } catch (error) {
        if (onDecodeError === undefined || !(error instanceof CodecError)) throw error;
        onDecodeError(error);
        return;
      }
      callback(message);
    },
  };
}

/** The MessagePack codec with default options: `new Socket(url, { ...msgpackCodec })`. */
export const msgpackCodec: PhoenixCodec = createMsgpackCodec();

/** `msgpackCodec.encode`, for `new Socket(url, { vsn: MSGPACK_VSN, encode, decode })`. */
export const encode: PhoenixCodec["encode"] = msgpackCodec.encode;
/** `msgpackCodec.decode`, for `new Socket(url, { vsn: MSGPACK_VSN, encode, decode })`. */
export const decode: PhoenixCodec["decode"] = msgpackCodec.decode;

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A copy of exactly these bytes, as the phoenix client delivers binary payloads. */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

function toPhoenix(envelope: ReturnType<EnvelopeCodec["decode"]>): PhoenixMessage {
  let payload = envelope.payload;
  if (payload instanceof Uint8Array) {
    payload = toArrayBuffer(payload);
  } else if (envelope.event === "phx_reply" && payload !== null && typeof payload === "object" && !Array.isArray(payload)) {
    const reply = payload as { status?: unknown; response?: unknown };
    if (reply.response instanceof Uint8Array) payload = { ...reply, response: toArrayBuffer(reply.response) };
  }
  return { join_ref: envelope.joinRef, ref: envelope.ref, topic: envelope.topic, event: envelope.event, payload };
}
