/**
 * @fawkes/longpoll: Phoenix's LongPoll transport on plain `node:http`, wire
 * compatible with the official `phoenix` client's `LongPoll` (and so with its
 * WebSocket fallback, `longPollFallbackMs`).
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV2 } from "@fawkes/json";
 * import { longpoll } from "@fawkes/longpoll";
 *
 * const socket = defineSocket({ serializers: [jsonV2] })
 *   .transport("longpoll", longpoll({ secret: process.env.LONGPOLL_SECRET }))
 *   .channel("room:*", { join: (topic) => ok({ topic }) });
 * await new Endpoint().socket("/socket", socket).listen(4000);
 * // client: new Socket("http://localhost:4000/socket", { transport: LongPoll })
 * ```
 */
export { longpoll } from "./longpoll-transport.js";
export { MAX_BATCH_LINES, type LongPollOptions } from "./options.js";
/** The per-server LongPoll instance, exported under its historical name. */
export { LongPollTransportServer as LongPollServer } from "./longpoll-server.js";
export { relayTopic } from "./relay.js";
