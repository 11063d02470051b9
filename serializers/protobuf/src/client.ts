/**
 * @fawkes/protobuf/client: the protobuf codec for the official `phoenix` client, in
 * Node and in browsers (no Node-only APIs).
 *
 * ```ts
 * import { Socket } from "phoenix";
 * import { protobufCodec } from "@fawkes/protobuf/client";
 *
 * const socket = new Socket("/socket", { ...protobufCodec() });   // vsn, encode, decode
 * socket.connect();
 * const channel = socket.channel("room:lobby");
 * channel.join().receive("ok", () => channel.push("new_msg", { body: "hi" }));
 * ```
 *
 * A binary payload from the server (or a reply whose response is binary) reaches the
 * app as an `ArrayBuffer`, as the stock V2 serializer delivers it; an `ArrayBuffer`
 * (or any typed array) pushed by the app travels as bytes.
 */
import { CodecError, binaryFrameBytes, toPhoenixClientMessage, type PhoenixClientMessage, type PhoenixCodec } from "@fawkes/core/codec";
import { EnvelopeCodec, type Envelope, type EnvelopeOptions } from "./envelope.js";
import { PROTOBUF_VSN } from "./vsn.js";

export { PROTOBUF_VSN } from "./vsn.js";
export type { ProtobufTypes } from "./typed-payloads.js";

// The phoenix-client codec contract and CodecError live in core's browser-safe subpath.
export { CodecError, type PhoenixCodec, type PhoenixClientMessage } from "@fawkes/core/codec";
/** A message as the phoenix client hands it to `encode` and expects it from `decode`. */
export type PhoenixMessage = PhoenixClientMessage;
/** Encoded frame bytes, as handed to `WebSocket.send`. */
export type EncodedFrame = Uint8Array;

/** Options of {@link protobufCodec}: the server's `types` and `maxDepth`, plus client-only ones. */
export interface ProtobufCodecOptions extends EnvelopeOptions {
  /** The `vsn` sent to the server. Default `2.0.0-protobuf`; must be one the server lists. */
  readonly vsn?: string;
  /**
   * Called with the `CodecError` when a frame from the server cannot be decoded; the
   * frame is then dropped. Without it, `decode` throws (as phoenix's own JSON
   * decoder does on bad JSON).
   */
  readonly onDecodeError?: (error: CodecError) => void;
}

/**
 * Build a protobuf codec for the phoenix client. Pass the same `types` as the server's
 * `protobufSerializer({ types })`. `encode` throws `CodecError` (`ERR_UNENCODABLE`,
 * `ERR_TOO_DEEP`) for a payload that cannot travel; `decode` returns through the
 * callback or throws (or reports to `onDecodeError`) a `CodecError` with code
 * `ERR_MALFORMED_FRAME`, `ERR_TEXT_FRAME`, `ERR_TOO_DEEP` or `ERR_UNSUPPORTED_TYPE`.
 * Throws `CodecError` `ERR_BAD_OPTION` at once for a bad `types` map or `maxDepth`.
 */
export function protobufCodec(options: ProtobufCodecOptions = {}): PhoenixCodec {
  const codec = new EnvelopeCodec(options);
  const onDecodeError = options.onDecodeError;
  return {
    vsn: options.vsn ?? PROTOBUF_VSN,
    encode(value, callback) {
      const message = toPhoenixClientMessage(value);
      callback(
        codec.encode({
          joinRef: message.join_ref,
          ref: message.ref,
          topic: message.topic,
          event: message.event,
          status: null,
          payload: message.payload,
        }),
      );
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

function toPhoenix(e: Envelope): PhoenixMessage {
  // Decoded bytes are fresh copies, so their whole buffer is exactly the payload.
  const body = e.payload instanceof Uint8Array ? e.payload.slice().buffer : e.payload;
  const payload = e.status === null ? body : { status: e.status, response: body };
  return { join_ref: e.joinRef, ref: e.ref, topic: e.topic, event: e.event, payload };
}
