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
import type { Transport } from "@fawkes/core";
import { resolveOptions, type LongPollOptions } from "./options.js";
import { LongPollServer } from "./server.js";

export { MAX_BATCH_LINES, type LongPollOptions } from "./options.js";
export { LongPollServer } from "./server.js";
export { relayTopic } from "./relay.js";

/**
 * A LongPoll transport. Register it as `socket.transport("longpoll", longpoll())`
 * and it is served at `<mount>/longpoll`.
 *
 * Capabilities: no binary frames to the client (the client reads every poll
 * message as text; binary frames from the client, sent as base64 lines, are
 * accepted), poll delivery, no heartbeats.
 *
 * Throws `ERR_NO_SECRET` when `secret` is missing and `NODE_ENV` is
 * `production`, `ERR_BAD_OPTION` for an invalid option.
 */
export function longpoll(options: LongPollOptions = {}): Transport {
  const resolved = resolveOptions(options);
  return {
    kind: "longpoll",
    capabilities: { binary: false, delivery: "poll", heartbeats: "none" },
    checkOrigin: options.checkOrigin,
    attach: (context) => new LongPollServer(context, resolved),
  };
}
