import type { Transport } from "@fawkes/core";
import { resolveOptions, type WebSocketOptions } from "./options.js";
import { WebSocketTransportServer } from "./websocket-server.js";

/**
 * The WebSocket transport, on `ws`. Serves `<mount>/<name>`; register it under
 * any number of names with different options:
 *
 * ```ts
 * defineSocket({ serializers: [jsonV2, jsonV1] })
 *   .transport("websocket", websocket())
 *   .transport("websocket_slow_clients", websocket({ timeout: 180_000 }));
 * ```
 *
 * Throws `FawkesError` `ERR_BAD_OPTION` for invalid options.
 */
export function websocket(options: WebSocketOptions = {}): Transport {
  const resolved = resolveOptions(options);
  return {
    kind: "websocket",
    capabilities: { binary: true, delivery: "push", heartbeats: "client" },
    checkOrigin: resolved.checkOrigin,
    attach: (context) => new WebSocketTransportServer(context, resolved),
  };
}
