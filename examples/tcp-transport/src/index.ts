/**
 * @fawkes/example-tcp-transport: a custom Fawkes transport, written the way a
 * third party would, over raw TCP with one line per frame.
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV1, jsonV2 } from "@fawkes/json";
 * import { tcpTransport } from "@fawkes/example-tcp-transport";
 *
 * const userSocket = defineSocket({ serializers: [jsonV2, jsonV1] })
 *   .transport("tcp", tcpTransport({ port: 4001 }))
 *   .channel("room:*", { join: (topic) => ok({ topic }) });
 *
 * await new Endpoint().socket("/socket", userSocket).listen(4000);
 * // a client: connect to 127.0.0.1:4001 and send {"path":"/socket/tcp","params":{"vsn":"2.0.0"}}\n
 * ```
 */
export { tcpTransport } from "./tcp-transport.js";
export { TCP_DEFAULTS, type TcpTransportOptions } from "./options.js";
export {
  encodeFrame,
  encodeClose,
  decodeLine,
  decodeHandshake,
  decodeAnswer,
  WireCloseCode,
  type Handshake,
  type HandshakeAnswer,
  type WireLine,
} from "./wire-format.js";
