// Fixture nodes joined through Redis, and a small WebSocket client for them.
import type { ExecutionContext } from "ava";
import { silentLogger, type PubSubAdapter, type Transport } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver, type ClientConnection } from "@fawkes/websocket/testing";
import { jsonV2Codec, startFixtureServer, type FixtureServer, type ServerMessage } from "@fawkes/conformance";
import { redisPubSub } from "@fawkes/redis";
import { REDIS_URL, RecordingLogger } from "./redis-test.js";

/** A fixture server whose endpoint publishes through Redis on `channelPrefix` (or through `pubsub`, when given). */
export async function redisNode(
  t: ExecutionContext,
  node: string,
  channelPrefix: string,
  transports: Record<string, Transport> = { websocket: websocket() },
  pubsub?: PubSubAdapter,
): Promise<FixtureServer & { log: RecordingLogger }> {
  const log = new RecordingLogger();
  const fixture = await startFixtureServer({
    transports,
    serializers: [jsonV2, jsonV1],
    pubsub: pubsub ?? redisPubSub({ url: REDIS_URL, channelPrefix, logger: log }),
    node,
    logger: silentLogger,
  });
  t.teardown(() => fixture.close());
  return Object.assign(fixture, { log });
}

/** A V2 JSON WebSocket client on `base` (closed at teardown). */
export async function wsClient(t: ExecutionContext, base: string, params: Record<string, string> = {}): Promise<Client> {
  const outcome = await websocketClientDriver.connect({ url: base, path: "/socket/websocket", params: { vsn: "2.0.0", ...params } });
  if (!outcome.ok) throw new Error(`refused with ${outcome.status}`);
  const client = new Client(outcome.connection);
  t.teardown(() => outcome.connection.close());
  return client;
}

/** Speaks V2 JSON over one connection. */
export class Client {
  private ref = 0;

  constructor(readonly connection: ClientConnection) {}

  /** Sends one message and returns its ref. */
  push(topic: string, event: string, payload: unknown, joinRef: string | null = "1"): string {
    const ref = String(++this.ref);
    this.connection.send(jsonV2Codec.encode({ joinRef, ref, topic, event, payload }));
    return ref;
  }

  /** The next message; rejects after `timeoutMs`. */
  async receive(timeoutMs = 2000): Promise<ServerMessage> {
    return jsonV2Codec.decode(await this.connection.receive(timeoutMs));
  }

  /** The next `count` messages. */
  async take(count: number): Promise<ServerMessage[]> {
    const out: ServerMessage[] = [];
    for (let i = 0; i < count; i++) out.push(await this.receive());
    return out;
  }

  /** True when nothing arrives within `ms`. */
  async silentFor(ms: number): Promise<boolean> {
    try {
      await this.connection.receive(ms);
      return false;
    } catch {
      return true;
    }
  }

  /** Joins `topic` (join ref "1") and reads the join reply and the `joined` push. */
  async join(topic: string): Promise<void> {
    const ref = this.push(topic, "phx_join", {}, "1");
    const got = await this.take(2);
    const reply = got.find((m) => m.event === "phx_reply" && m.ref === ref);
    if ((reply?.payload as { status?: string } | undefined)?.status !== "ok") throw new Error(`join ${topic} failed: ${JSON.stringify(got)}`);
  }
}
