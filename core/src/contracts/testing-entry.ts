/**
 * @fawkes/core/testing: the client-driver contract the conformance transport suite
 * drives, and {@link FrameInbox} to build a driver's inbound side with. Every
 * transport package implements a driver in its own `testing` subpath
 * (`@fawkes/websocket/testing`) against these types, without depending on
 * `@fawkes/conformance`.
 *
 * ```ts
 * import { FrameInbox, type ClientConnection, type Frame } from "@fawkes/core/testing";
 *
 * function connectionOver(socket: { write(frame: Frame): void; end(): void }, inbox: FrameInbox, closed: ClientConnection["closed"]): ClientConnection {
 *   return {
 *     send: (frame) => socket.write(frame),
 *     receive: (timeoutMs) => inbox.receive(timeoutMs),
 *     closed,
 *     close: async () => { socket.end(); await closed; },
 *   };
 * }
 * ```
 */
export {
  FrameInbox,
  type ClientConnection,
  type ClientConnectOutcome,
  type ClientConnectOptions,
  type ClientDriver,
  type ClientDriverSupports,
} from "./client-driver.js";
export type { Frame } from "./serializer.js";
