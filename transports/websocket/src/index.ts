/**
 * @fawkes/websocket: the WebSocket transport for Fawkes, on `ws`.
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV1, jsonV2 } from "@fawkes/json";
 * import { websocket } from "@fawkes/websocket";
 *
 * const userSocket = defineSocket({ serializers: [jsonV2, jsonV1] })
 *   .transport("websocket", websocket({ timeout: 60_000, maxFrameSize: 1024 * 1024 }))
 *   .channel("room:*", { join: (topic) => ok({ topic }) });
 *
 * await new Endpoint().socket("/socket", userSocket).listen(4000);
 * // the phoenix client: new Socket("ws://localhost:4000/socket")
 * ```
 */
export { websocket } from "./websocket-transport.js";
export { WEBSOCKET_DEFAULTS, type WebSocketOptions } from "./options.js";
export { AUTH_TOKEN_PREFIX } from "./subprotocol-offer.js";
