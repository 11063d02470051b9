/**
 * @fawkes/sockjs: a Fawkes transport over SockJS, for clients behind proxies that
 * break WebSockets. Served at `<mount>/<name>` (`/socket/sockjs`); the client
 * side is `@fawkes/sockjs/client`, a class the official `phoenix` client takes
 * as its `transport`.
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV1, jsonV2 } from "@fawkes/json";
 * import { sockjs } from "@fawkes/sockjs";
 *
 * const userSocket = defineSocket({ serializers: [jsonV2, jsonV1] })
 *   .transport("sockjs", sockjs())
 *   .channel("room:*", { join: (topic) => ok({ topic }) });
 * const port = await new Endpoint().socket("/socket", userSocket).listen(4000);
 * ```
 */
export { sockjs } from "./sockjs-transport.js";
export type { SockJSOptions } from "./options.js";
export { OPEN_ACK, AUTH_PARAM, SockJSCloseCode, refusalCloseCode, refusalStatus } from "./protocol.js";
export { wireCloseCode, coreCloseCode, WIRE_CLOSE_OFFSET } from "./close-codes.js";
