// Two endpoints in one process, joined only through a real Redis: what a client
// on one node does reaches clients on the other, exactly once.
import test from "ava";
import { Endpoint, type PubSubAdapter } from "@fawkes/core";
import { redisPubSub } from "@fawkes/redis";
import { websocket } from "@fawkes/websocket";
import { fixtureSocket } from "@fawkes/conformance";
import { jsonV2 } from "@fawkes/json";
import { redisNode, wsClient } from "./nodes.js";
import { REDIS_URL, RecordingLogger, redisTest, uniquePrefix } from "./redis-test.js";

async function twoNodes(t: Parameters<typeof redisNode>[0]) {
  const prefix = uniquePrefix();
  const a = await redisNode(t, "node-a", prefix);
  const b = await redisNode(t, "node-b", prefix);
  return { a, b };
}

/** Two nodes, and a client on each joined to `topic`. */
async function joinedOnBothNodes(t: Parameters<typeof redisNode>[0], topic: string) {
  const { a, b } = await twoNodes(t);
  const onA = await wsClient(t, a.url);
  const onB = await wsClient(t, b.url);
  await onA.join(topic);
  await onB.join(topic);
  return { a, b, onA, onB };
}

redisTest("a broadcast from node A reaches a client on node B, and the sender's node delivers it once", async (t) => {
  const { onA, onB } = await joinedOnBothNodes(t, "room:x");
  const ref = onA.push("room:x", "broadcast", { body: "hi" });
  const atA = await onA.take(2);
  t.deepEqual(
    atA.find((m) => m.event === "new_msg"),
    { joinRef: null, ref: null, topic: "room:x", event: "new_msg", payload: { body: "hi" } },
  );
  t.truthy(atA.find((m) => m.event === "phx_reply" && m.ref === ref));
  t.deepEqual(await onB.receive(), { joinRef: null, ref: null, topic: "room:x", event: "new_msg", payload: { body: "hi" } });
  // No echo from Redis on A, no second copy on B.
  t.true(await onA.silentFor(300));
  t.true(await onB.silentFor(50));
});

/**
 * A broken adapter, to show the test above catches one: it publishes as one node
 * and subscribes as another, so Redis hands a node its own broadcasts back.
 */
function echoingAdapter(channelPrefix: string): PubSubAdapter {
  const out = redisPubSub({ url: REDIS_URL, channelPrefix });
  const into = redisPubSub({ url: REDIS_URL, channelPrefix });
  return {
    async start(node, deliver) {
      await out.start(`${node}-out`, () => undefined);
      await into.start(`${node}-in`, deliver);
    },
    publish: (broadcast) => out.publish(broadcast),
    async close() {
      await out.close();
      await into.close();
    },
  };
}

redisTest("the once-only check catches an adapter that echoes a node's own broadcasts", async (t) => {
  const prefix = uniquePrefix();
  const a = await redisNode(t, "node-a", prefix, { websocket: websocket() }, echoingAdapter(prefix));
  const onA = await wsClient(t, a.url);
  await onA.join("room:x");
  onA.push("room:x", "broadcast", { body: "hi" });
  await onA.take(2);
  const echo = await onA.receive(1000).catch(() => undefined);
  t.is(echo?.event, "new_msg", "the echo arrives as a second new_msg");
});

redisTest("Endpoint.broadcast on B reaches A; a topic nobody joined on a node is a no-op there", async (t) => {
  const { a, b } = await twoNodes(t);
  const onA = await wsClient(t, a.url);
  await onA.join("room:y");
  b.endpoint.broadcast("room:nobody", "new_msg", { lost: true });
  b.endpoint.broadcast("room:y", "news", { n: 1 });
  t.deepEqual(await onA.receive(), { joinRef: null, ref: null, topic: "room:y", event: "news", payload: { n: 1 } });
  // localBroadcast stays home.
  b.endpoint.localBroadcast("room:y", "local_only", {});
  t.true(await onA.silentFor(300));
});

redisTest("broadcastFrom excludes only the sender: its neighbour on A and the client on B get it", async (t) => {
  const { a, b } = await twoNodes(t);
  const sender = await wsClient(t, a.url);
  const neighbour = await wsClient(t, a.url);
  const remote = await wsClient(t, b.url);
  for (const c of [sender, neighbour, remote]) await c.join("room:from");
  const ref = sender.push("room:from", "broadcast_from", { body: "not to me" });
  const reply = await sender.receive();
  t.is(reply.event, "phx_reply");
  t.is(reply.ref, ref);
  const expected = { joinRef: null, ref: null, topic: "room:from", event: "new_msg", payload: { body: "not to me" } };
  t.deepEqual(await neighbour.receive(), expected);
  t.deepEqual(await remote.receive(), expected);
  t.true(await sender.silentFor(300));
  t.true(await remote.silentFor(50));
});

redisTest("binary payloads cross nodes intact (V2 binary push in, binary broadcast out)", async (t) => {
  const { onA, onB } = await joinedOnBothNodes(t, "room:bin");
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff);
  onA.push("room:bin", "broadcast", bytes);
  const got = await onB.receive();
  t.is(got.event, "new_msg");
  t.true(got.payload instanceof Uint8Array);
  t.deepEqual([...(got.payload as Uint8Array)], [...bytes]);
});

redisTest("a disconnect broadcast to a socket id on A closes that user's connection on B (1001)", async (t) => {
  const { a, b } = await twoNodes(t);
  const user = await wsClient(t, b.url, { user_id: "alice" });
  const other = await wsClient(t, b.url, { user_id: "bob" });
  await user.join("room:d");
  const res = await fetch(`${a.url}/fixture/disconnect`, { method: "POST", body: JSON.stringify({ id: "user_socket:alice" }) });
  t.is(res.status, 200);
  const closed = await Promise.race([user.connection.closed, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 2000))]);
  t.not(closed, "timeout");
  if (closed !== "timeout") t.is(closed.code, 1001);
  // Only alice: bob still works.
  await other.join("room:d");
  t.pass();
});

test("unreachable Redis: Endpoint.listen rejects with ERR_PUBSUB_UNAVAILABLE and the process lives on", async (t) => {
  const endpoint = new Endpoint({
    pubsub: redisPubSub({ url: "redis://127.0.0.1:1", startTimeoutMs: 300, logger: new RecordingLogger() }),
    logger: new RecordingLogger(),
  }).socket("/socket", fixtureSocket({ transports: { websocket: websocket() }, serializers: [jsonV2] }));
  t.teardown(() => endpoint.close());
  await t.throwsAsync(endpoint.listen(0, "127.0.0.1"), { code: "ERR_PUBSUB_UNAVAILABLE" });
  t.notThrows(() => endpoint.broadcast("room:1", "e", {}));
  await endpoint.close();
});
