import type { Transport } from "@fawkes/core";
import { resolveTcpOptions, type TcpTransportOptions } from "./options.js";
import { TcpTransportServer } from "./tcp-server.js";

/**
 * A Fawkes transport over raw TCP: one JSON handshake line, then one line per
 * frame (see `wire-format.ts` and the README). Register it like any transport:
 *
 * ```ts
 * defineSocket({ serializers: [jsonV2, jsonV1] }).transport("tcp", tcpTransport({ port: 4001 }));
 * ```
 *
 * Unlike WebSocket or LongPoll it does not ride on the endpoint's HTTP server: a
 * transport may bring its own listener. It only uses the HTTP server to answer
 * `GET <mount>/<name>` with `{"port": N}`, so clients (and the conformance
 * driver) can find a listener started on port 0.
 *
 * Each `attach` opens its own listener, so register one `tcpTransport` per
 * endpoint (or use port 0). Throws `FawkesError` `ERR_BAD_OPTION` for bad options.
 */
export function tcpTransport(options: TcpTransportOptions): Transport {
  const resolved = resolveTcpOptions(options);
  return {
    kind: "tcp",
    // Truthful: frames carry binary (base64), the server writes whenever it
    // likes, and liveness is the client's `heartbeat` message (plus `timeout`).
    capabilities: { binary: true, delivery: "push", heartbeats: "client" },
    attach: (context) => new TcpTransportServer(context, resolved),
  };
}
