// The adapter on its own, against a real Redis: delivery between nodes, no echo,
// order, binary, bad input, restarts of either connection, and no Redis at all.
import test from "ava";
import { Redis } from "ioredis";
import type { Broadcast, FawkesError } from "@fawkes/core";
import { encodeEnvelope, redisPubSub, type RedisPubSub, type RedisPubSubOptions } from "@fawkes/redis";
import { REDIS_URL, RecordingLogger, redisTest, sleep, uniquePrefix, until } from "./redis-test.js";

interface Node {
  readonly name: string;
  readonly adapter: RedisPubSub;
  readonly got: Broadcast[];
  readonly log: RecordingLogger;
}

async function node(name: string, options: RedisPubSubOptions): Promise<Node> {
  const log = new RecordingLogger();
  const adapter = redisPubSub({ url: REDIS_URL, logger: log, ...options });
  const got: Broadcast[] = [];
  await adapter.start(name, (b) => got.push(b));
  return { name, adapter, got, log };
}

async function pair(t: { teardown(fn: () => Promise<void>): void }, options: RedisPubSubOptions = {}) {
  // Unique node names too: tests find their connections by name.
  const channelPrefix = uniquePrefix();
  const run = channelPrefix.slice(-12);
  const a = await node(`a-${run}`, { channelPrefix, ...options });
  const b = await node(`b-${run}`, { channelPrefix, ...options });
  t.teardown(async () => {
    await a.adapter.close();
    await b.adapter.close();
  });
  return { a, b, channelPrefix };
}

/** Kills the server side of the connection named `name`, as a Redis restart would. */
async function killConnection(name: string): Promise<void> {
  const admin = new Redis(REDIS_URL);
  try {
    const list = (await admin.call("CLIENT", "LIST")) as string;
    const line = list.split("\n").find((l) => l.includes(` name=${name} `));
    if (line === undefined) throw new Error(`no connection named ${name}`);
    await admin.call("CLIENT", "KILL", "ID", /id=(\d+)/.exec(line)![1]!);
  } finally {
    admin.disconnect();
  }
}

redisTest("broadcasts reach the other node in order and never come back to their own", async (t) => {
  const { a, b } = await pair(t);
  for (let i = 0; i < 20; i++) {
    a.adapter.publish({ topic: "room:1", event: "from_a", payload: { i } });
    b.adapter.publish({ topic: "room:2", event: "from_b", payload: { i } });
  }
  t.true(await until(() => a.got.length === 20 && b.got.length === 20));
  await sleep(50);
  t.deepEqual(
    b.got,
    Array.from({ length: 20 }, (_, i) => ({ topic: "room:1", event: "from_a", payload: { i } })),
  );
  t.deepEqual(
    a.got,
    Array.from({ length: 20 }, (_, i) => ({ topic: "room:2", event: "from_b", payload: { i } })),
  );
});

redisTest("binary payloads cross intact, as plain Uint8Array", async (t) => {
  const { a, b } = await pair(t);
  const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff);
  a.adapter.publish({ topic: "bin", event: "blob", payload: bytes });
  a.adapter.publish({ topic: "bin", event: "empty", payload: new Uint8Array(0) });
  t.true(await until(() => b.got.length === 2));
  const [blob, empty] = b.got as [Broadcast, Broadcast];
  t.true(blob.payload instanceof Uint8Array);
  t.true(Buffer.from(blob.payload as Uint8Array).equals(bytes));
  t.is((empty.payload as Uint8Array).byteLength, 0);
});

redisTest("a sharded layout spreads topics over channels and still delivers everything", async (t) => {
  const { a, b, channelPrefix } = await pair(t, { shards: 4 });
  const spy = new Redis(REDIS_URL);
  t.teardown(() => {
    spy.disconnect();
  });
  const seen = new Set<string>();
  spy.on("messageBuffer", (channel: Buffer) => seen.add(channel.toString()));
  await spy.subscribe(...a.adapter.layout.channels);
  for (let i = 0; i < 40; i++) a.adapter.publish({ topic: `room:${i}`, event: "e", payload: i });
  t.true(await until(() => b.got.length === 40));
  t.deepEqual(
    b.got.map((g) => g.payload),
    Array.from({ length: 40 }, (_, i) => i),
    "order holds per topic; here one each",
  );
  t.true(await until(() => seen.size === 4));
  t.deepEqual(
    [...seen].sort(),
    [0, 1, 2, 3].map((i) => `${channelPrefix}:${i}`),
  );
});

redisTest("an unencodable payload is logged, not thrown, and later broadcasts still go", async (t) => {
  const { a, b } = await pair(t);
  t.notThrows(() => a.adapter.publish({ topic: "t", event: "bad", payload: { n: 10n } }));
  a.adapter.publish({ topic: "t", event: "good", payload: {} });
  t.true(await until(() => b.got.length === 1));
  t.is(b.got[0]!.event, "good");
  const line = a.log.lines.find((l) => l.level === "error");
  t.is((line?.fields?.cause as FawkesError | undefined)?.code, "ERR_PUBSUB_ENCODE");
});

redisTest("foreign messages on the channel are logged and ignored", async (t) => {
  const { a, b, channelPrefix } = await pair(t);
  const other = new Redis(REDIS_URL);
  t.teardown(() => {
    other.disconnect();
  });
  await other.publish(channelPrefix, "hello, not an envelope");
  await other.publish(channelPrefix, Buffer.from([0x42, 0xff, 0xff, 0xff, 0xff]));
  a.adapter.publish({ topic: "t", event: "after", payload: 1 });
  t.true(await until(() => b.got.length === 1));
  t.is(b.got[0]!.event, "after");
  const warned = b.log.lines.filter((l) => l.level === "warn" && (l.fields?.cause as FawkesError | undefined)?.code === "ERR_PUBSUB_MALFORMED");
  t.is(warned.length, 2);
});

redisTest("a message from a node with the same name is taken for its own and skipped", async (t) => {
  const { b, channelPrefix } = await pair(t);
  const other = new Redis(REDIS_URL);
  t.teardown(() => {
    other.disconnect();
  });
  await other.publish(channelPrefix, encodeEnvelope(b.name, { topic: "t", event: "mine", payload: 1 }));
  await other.publish(channelPrefix, encodeEnvelope("c", { topic: "t", event: "theirs", payload: 2 }));
  t.true(await until(() => b.got.length === 1));
  await sleep(50);
  t.deepEqual(
    b.got.map((g) => g.event),
    ["theirs"],
  );
});

redisTest("the subscriber connection comes back after Redis drops it, and delivery resumes", async (t) => {
  const { a, b } = await pair(t);
  await killConnection(`fawkes:${b.name}:sub`);
  await b.log.next((l) => l.message.startsWith("lost the Redis subscriber connection"));
  await b.log.next((l) => l.message === "Redis subscriber connection is back");
  // Resubscription races with our publish: retry until one arrives (bounded).
  for (let i = 0; i < 40 && b.got.length === 0; i++) {
    a.adapter.publish({ topic: "t", event: "after_restart", payload: i });
    await sleep(50);
  }
  t.true(b.got.length > 0);
  t.is(b.got[0]!.event, "after_restart");
});

redisTest("broadcasts published while the publisher is down wait in the queue and go out in order", async (t) => {
  const { a, b } = await pair(t);
  await killConnection(`fawkes:${a.name}:pub`);
  await a.log.next((l) => l.message.startsWith("lost the Redis publisher connection"));
  for (let i = 0; i < 5; i++) a.adapter.publish({ topic: "t", event: "queued", payload: i });
  t.true(await until(() => b.got.length === 5));
  t.deepEqual(
    b.got.map((g) => g.payload),
    [0, 1, 2, 3, 4],
  );
});

redisTest("past queueLimit, broadcasts are dropped with a warning, never thrown", async (t) => {
  const { a, b } = await pair(t, { queueLimit: 2 });
  await killConnection(`fawkes:${a.name}:pub`);
  await a.log.next((l) => l.message.startsWith("lost the Redis publisher connection"));
  for (let i = 0; i < 5; i++) a.adapter.publish({ topic: "t", event: "queued", payload: i });
  t.truthy(a.log.lines.find((l) => l.level === "warn" && l.message.includes("publish queue is full")));
  const back = await a.log.next((l) => l.message.startsWith("Redis is back"));
  t.is(back.fields?.dropped, 3);
  t.true(await until(() => b.got.length === 2));
  await sleep(50);
  t.deepEqual(
    b.got.map((g) => g.payload),
    [0, 1],
  );
});

redisTest("start twice is ERR_PUBSUB_STARTED; close is idempotent and publish after it is a no-op", async (t) => {
  const { a } = await pair(t);
  await t.throwsAsync(
    a.adapter.start("again", () => undefined),
    { code: "ERR_PUBSUB_STARTED" },
  );
  await a.adapter.close();
  await a.adapter.close();
  t.notThrows(() => a.adapter.publish({ topic: "t", event: "late", payload: 1 }));
});

test("unreachable Redis: start rejects with ERR_PUBSUB_UNAVAILABLE in bounded time, and nothing crashes", async (t) => {
  const log = new RecordingLogger();
  const adapter = redisPubSub({ url: "redis://127.0.0.1:1", startTimeoutMs: 300, logger: log });
  t.teardown(() => adapter.close());
  const began = Date.now();
  adapter.publish({ topic: "t", event: "before", payload: 1 });
  const error = await t.throwsAsync<FawkesError>(adapter.start("lonely", () => undefined));
  t.is(error?.code, "ERR_PUBSUB_UNAVAILABLE");
  t.is((error?.cause as { code?: string } | undefined)?.code, "ECONNREFUSED");
  t.true(Date.now() - began < 1500);
  t.notThrows(() => adapter.publish({ topic: "t", event: "after", payload: 1 }));
  await adapter.close();
  // No reconnection attempts go on behind our back.
  const logged = log.lines.length;
  await sleep(200);
  t.is(log.lines.length, logged);
});
