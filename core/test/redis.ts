// Tests that need a real Redis run when it answers PING, and always when CI is
// set (where a missing Redis must fail them); otherwise they are skipped with
// the reason in the title.
import test, { type ExecutionContext } from "ava";
import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import { Endpoint, defineSocket, ok, silentLogger, type ChannelSocket } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { longpoll } from "@fawkes/longpoll";
import { redisPubSub } from "@fawkes/redis";
import { websocket } from "@fawkes/websocket";

export const REDIS_URL = process.env.FAWKES_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const reachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = createConnection({ host: hostname, port: Number(port || 6379) });
  const done = (ok: boolean): void => {
    socket.destroy();
    clearTimeout(timer);
    resolve(ok);
  };
  const timer = setTimeout(() => done(false), 500);
  socket.once("error", () => done(false));
  socket.once("connect", () => socket.write("PING\r\n"));
  socket.once("data", (data: Buffer) => done(data.toString().startsWith("+PONG")));
});
const mustRun = reachable || (process.env.CI !== undefined && process.env.CI !== "");

/** Declares a test that needs Redis at {@link REDIS_URL}. */
export function redisTest(title: string, fn: (t: ExecutionContext) => Promise<void>): void {
  if (mustRun) test(`${title} (real Redis)`, fn);
  else test.skip(`${title} (skipped: no Redis at ${REDIS_URL} and CI is not set)`, fn);
}

/** A Redis channel prefix no other test run uses. */
export function uniquePrefix(): string {
  return `fawkes-test:core:${randomUUID()}`;
}

const SECRET = "reserved-topics-test-secret-0123456789";

/** A node on Redis serving WebSocket and LongPoll, with a `*` route that rebroadcasts every client event to its topic. */
export async function redisNode(t: ExecutionContext, name: string, prefix: string): Promise<{ url: string; endpoint: Endpoint }> {
  const socket = defineSocket({ serializers: [jsonV2], checkOrigin: false })
    .transport("websocket", websocket())
    .transport("longpoll", longpoll({ secret: SECRET, window: 2000 }))
    .channel("*", {
      join: (topic: string) => ok({ joined: topic }),
      handleIn(event: string, payload: unknown, socket: ChannelSocket) {
        socket.broadcast(event, payload);
        return ok();
      },
    });
  const endpoint = new Endpoint({
    logger: silentLogger,
    node: name,
    pubsub: redisPubSub({ url: REDIS_URL, channelPrefix: prefix, logger: silentLogger }),
  }).socket("/socket", socket);
  const port = await endpoint.listen(0, "127.0.0.1");
  t.teardown(() => endpoint.close());
  return { url: `http://127.0.0.1:${port}`, endpoint };
}
