import { Endpoint, defineSocket, noreply, ok, silentLogger, type PubSubAdapter, type Transport } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { EVENT, ROOM, type BenchServer, type BroadcastPayload } from "./bench-server.js";
import { MAX_SOCKETS_PER_PROCESS } from "../../options.js";

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

/** One node of a multi-node Fawkes server: its name and the Redis that joins the nodes. */
export interface FawkesNodeOptions {
  /** Unique among the nodes, e.g. `bench-1`. */
  readonly node: string;
  /** `redis://host:port`. */
  readonly redisUrl: string;
  /** Redis channel prefix, unique per run so concurrent runs and tests do not meet. */
  readonly channelPrefix: string;
}

/**
 * Fawkes: core Endpoint + `@fawkes/websocket` + `jsonV2`, with the smallest
 * channel: every join is accepted, `ping` gets an ok reply echoing its payload.
 * A broadcast is `endpoint.broadcast` (fastlane: encoded once, same frame to all).
 * With `cluster`, the endpoint is one node of several joined by `@fawkes/redis`:
 * a broadcast made here reaches the subscribers of every node. Rejects with
 * `ERR_PUBSUB_UNAVAILABLE` when Redis does not answer within 5 s.
 */
export async function startFawkesServer(cluster?: FawkesNodeOptions): Promise<BenchServer> {
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
  let pubsub: PubSubAdapter | undefined;
  if (cluster !== undefined) {
    const { redisPubSub } = await import("@fawkes/redis");
    pubsub = redisPubSub({ url: cluster.redisUrl, channelPrefix: cluster.channelPrefix, startTimeoutMs: 5_000 });
  }
  // Admission control is for reconnect storms; the bench connects its clients as fast as it
  // can and measures fan-out, so it allows every socket the process can hold, at any rate.
  const endpoint = new Endpoint({ logger: silentLogger, pubsub, node: cluster?.node, maxConnections: MAX_SOCKETS_PER_PROCESS, connectRate: false }).socket(
    "/socket",
    socket,
  );
  const port = await endpoint.listen(0, "127.0.0.1");
  // A probe subscribed before any connection joins, so the PubSub calls it first
  // for each broadcast on the room (local or from another node): when it arrived
  // here, and (the turn after every write was flushed) when the fan-out was done.
  let fanOut: { arrived: bigint; done: bigint } | undefined;
  endpoint.pubsub.subscribe(ROOM, {
    deliver() {
      const entry = { arrived: process.hrtime.bigint(), done: 0n };
      fanOut = entry;
      setImmediate(() => {
        entry.done = process.hrtime.bigint();
      });
    },
  });
  return {
    lastFanOut: () => fanOut,
    port,
    broadcast(payload: BroadcastPayload) {
      endpoint.broadcast(ROOM, EVENT, payload);
    },
    connectionCount: () => endpoint.connectionCount,
    close: () => endpoint.close(),
  };
}
