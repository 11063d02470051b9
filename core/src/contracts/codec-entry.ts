/**
 * @fawkes/core/codec: the client-side contracts a codec for the official `phoenix`
 * client builds on, shared by `@fawkes/msgpack/client`, `@fawkes/protobuf/client`
 * and `@fawkes/conformance`. Browser-safe: nothing here imports a Node API or
 * names a Node type, so a browser project type-checks against it without
 * `@types/node`.
 *
 * ```ts
 * import { CodecError, binaryFrameBytes, toPhoenixClientMessage, type PhoenixCodec } from "@fawkes/core/codec";
 *
 * const bytesCodec: PhoenixCodec = {
 *   vsn: "3.0.0-bytes",
 *   encode(message, callback) {
 *     const m = toPhoenixClientMessage(message);   // throws CodecError ERR_UNENCODABLE
 *     callback(new TextEncoder().encode(JSON.stringify([m.join_ref, m.ref, m.topic, m.event, m.payload])));
 *   },
 *   decode(raw, callback) {
 *     const [join_ref, ref, topic, event, payload] = JSON.parse(new TextDecoder().decode(binaryFrameBytes(raw)));
 *     callback({ join_ref, ref, topic, event, payload });
 *   },
 * };
 * ```
 */
export { CodecError } from "./codec-error.js";
export { refOrNull, toPhoenixClientMessage, binaryFrameBytes, type PhoenixClientMessage, type PhoenixCodec } from "./phoenix-codec.js";
