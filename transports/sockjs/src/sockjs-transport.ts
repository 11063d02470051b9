import type { Transport } from "@fawkes/core";
import { resolveOptions, type SockJSOptions } from "./options.js";
import { SockJSTransportServer } from "./sockjs-server.js";

/**
 * The SockJS transport: serves Phoenix sockets to clients that cannot keep a
 * WebSocket open (proxies, old browsers), through the `sockjs` server package
 * and every sub-transport it offers, at `<mount>/<name>` (`/socket/sockjs`).
 *
 * Text only (`capabilities.binary` is false): binary serializers are refused at
 * connect and binary frames are dropped with a logged `ERR_BINARY_UNSUPPORTED`.
 * Connect params travel in the URL query; the auth token travels as the first
 * message; refusals close the session with code `4000 + status`; the core's
 * 1001-1999 close codes travel as 3001-3999 (see `close-codes.ts`). Every
 * sub-transport follows the core's slow-consumer policy. See the README.
 *
 * ```ts
 * const userSocket = defineSocket({ serializers: [jsonV2, jsonV1] })
 *   .transport("websocket", websocket())
 *   .transport("sockjs", sockjs({ timeout: 60_000 }));
 * ```
 */
export function sockjs(options: SockJSOptions = {}): Transport {
  const resolved = resolveOptions(options);
  return {
    kind: "sockjs",
    capabilities: { binary: false, delivery: "push", heartbeats: "client" },
    checkOrigin: resolved.checkOrigin,
    attach: (context) => new SockJSTransportServer(context, resolved),
  };
}
