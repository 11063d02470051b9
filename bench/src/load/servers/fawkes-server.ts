import { Endpoint, defineSocket, noreply, ok, silentLogger, type Transport } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { EVENT, ROOM, type BenchServer, type BroadcastPayload } from "./bench-server.js";

/** The shape of `@fawkes/websocket`'s factory, as far as the bench needs it. */
type WebSocketFactory = (options?: Record<string, unknown>) => Transport;

/**
 * Loads `@fawkes/websocket` at run time, so the bench builds (and runs its ws /
 * Socket.IO rows) before that package exists. Resolves undefined when missing.
 */
export async function loadWebSocketTransport(): Promise<WebSocketFactory | undefined> {
  const specifier: string = "@fawkes/websocket";
  try {
    const module = (await import(specifier)) as { websocket?: unknown };
    return typeof module.websocket === "function" ? (module.websocket as WebSocketFactory) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Fawkes: core Endpoint + `@fawkes/websocket` + `jsonV2`, with the smallest
 * channel: every join is accepted, `ping` gets an ok reply echoing its payload.
 * A broadcast is `endpoint.broadcast` (fastlane: encoded once, same frame to all).
 */
export async function startFawkesServer(): Promise<BenchServer> {
  const websocket = await loadWebSocketTransport();
  if (websocket === undefined) throw new Error("@fawkes/websocket is not built (transports/websocket/dist/index.js)");
  const socket = defineSocket({ serializers: [jsonV2], checkOrigin: false })
    // A long idle timeout: the bench clients heartbeat every 30 s like the official
    // client, but a busy generator must not lose connections to a 60 s timer.
    .transport("websocket", websocket({ timeout: 3_600_000 }))
    .channel("bench:*", {
      join: () => ok(),
      handleIn: (event, payload) => (event === "ping" ? ok(payload) : noreply()),
    });
  const endpoint = new Endpoint({ logger: silentLogger }).socket("/socket", socket);
  const port = await endpoint.listen(0, "127.0.0.1");
  return {
    port,
    broadcast(payload: BroadcastPayload) {
      endpoint.broadcast(ROOM, EVENT, payload);
    },
    connectionCount: () => endpoint.connectionCount,
    close: () => endpoint.close(),
  };
}
