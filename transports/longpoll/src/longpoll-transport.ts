import type { Transport } from "@fawkes/core";
import { resolveOptions, type LongPollOptions } from "./options.js";
import { LongPollTransportServer } from "./longpoll-server.js";

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
    attach: (context) => new LongPollTransportServer(context, resolved),
  };
}
