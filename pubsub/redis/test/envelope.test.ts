// The envelope format, the channel layout and option checks: no Redis needed.
import test from "ava";
import type { FawkesError } from "@fawkes/core";
import { ChannelLayout, KIND_BINARY, KIND_JSON, encodeEnvelope, readBroadcast, readHeader, redisPubSub, topicShard } from "@fawkes/redis";

function roundTrip(payload: unknown) {
  const envelope = encodeEnvelope("node-1", { topic: "room:1", event: "new_msg", payload });
  const header = readHeader(envelope);
  return { envelope, header, broadcast: readBroadcast(envelope, header) };
}

test("a JSON payload round-trips, with the origin node in the header", (t) => {
  const payload = { body: "héllo ✓", n: [1, 2.5, null], nested: { ok: true } };
  const { envelope, header, broadcast } = roundTrip(payload);
  t.is(envelope[0], KIND_JSON);
  t.is(header.node, "node-1");
  t.deepEqual(broadcast, { topic: "room:1", event: "new_msg", payload });
});

test("Uint8Array, Buffer and ArrayBuffer payloads travel as raw bytes and come back as plain Uint8Array", (t) => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (const payload of [bytes, Buffer.from(bytes), bytes.buffer, new Uint8Array(0)]) {
    const { envelope, broadcast } = roundTrip(payload);
    t.is(envelope[0], KIND_BINARY);
    t.true(broadcast.payload instanceof Uint8Array);
    t.false(Buffer.isBuffer(broadcast.payload));
    const expected = payload instanceof ArrayBuffer ? new Uint8Array(payload) : new Uint8Array(payload);
    t.deepEqual([...(broadcast.payload as Uint8Array)], [...expected]);
  }
});

test("a view into a larger buffer sends only its own bytes", (t) => {
  const big = Uint8Array.from({ length: 100 }, (_, i) => i);
  const { broadcast } = roundTrip(big.subarray(10, 13));
  t.deepEqual([...(broadcast.payload as Uint8Array)], [10, 11, 12]);
});

test("undefined payload becomes null; payloads JSON cannot write throw ERR_PUBSUB_ENCODE", (t) => {
  t.is(roundTrip(undefined).broadcast.payload, null);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const payload of [{ n: 1n }, cyclic]) {
    const error = t.throws<FawkesError>(() => encodeEnvelope("n", { topic: "t", event: "e", payload }));
    t.is(error?.code, "ERR_PUBSUB_ENCODE");
  }
});

test("anything that is not an envelope is ERR_PUBSUB_MALFORMED", (t) => {
  const good = encodeEnvelope("n", { topic: "t", event: "e", payload: { a: 1 } });
  const bad = [
    Buffer.from(""),
    Buffer.from("hello world"),
    Buffer.from([KIND_JSON, 0, 0, 0, 99, 0x5b]),
    Buffer.concat([Buffer.from([KIND_JSON, 0, 0, 0, 4]), Buffer.from("nope")]),
    Buffer.concat([Buffer.from([KIND_JSON, 0, 0, 0, 7]), Buffer.from("[1,2,3]")]),
  ];
  for (const envelope of bad) {
    const error = t.throws<FawkesError>(() => readBroadcast(envelope, readHeader(envelope)));
    t.is(error?.code, "ERR_PUBSUB_MALFORMED");
  }
  const truncatedPayload = good.subarray(0, good.length - 2);
  t.is(t.throws<FawkesError>(() => readBroadcast(truncatedPayload, readHeader(truncatedPayload)))?.code, "ERR_PUBSUB_MALFORMED");
});

test("the channel layout: one channel by default, N stable shards on request", (t) => {
  t.deepEqual(new ChannelLayout("app", 1).channels, ["app"]);
  t.is(new ChannelLayout("app", 1).channelFor("room:1"), "app");
  const layout = new ChannelLayout("app", 8);
  t.deepEqual(layout.channels, ["app:0", "app:1", "app:2", "app:3", "app:4", "app:5", "app:6", "app:7"]);
  const used = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const channel = layout.channelFor(`room:${i}`);
    t.is(channel, layout.channelFor(`room:${i}`));
    used.add(channel);
  }
  t.is(used.size, 8, "200 topics spread over all 8 shards");
  // FNV-1a of "" is its offset basis; pinned so every node and version agrees.
  t.is(topicShard("", 1_000_000), 0x811c9dc5 % 1_000_000);
  t.is(topicShard("a", 0x7fffffff), 0xe40c292c % 0x7fffffff);
});

test("bad options throw ERR_BAD_OPTION at once; URL parameters choose prefix and shards", (t) => {
  const bad = [
    { url: "http://127.0.0.1" },
    { url: "not a url" },
    { channelPrefix: "" },
    { shards: 0 },
    { shards: 1.5 },
    { url: "redis://127.0.0.1:6379/?shards=many" },
    { startTimeoutMs: -1 },
    { queueLimit: -1 },
  ];
  for (const options of bad) t.is(t.throws<FawkesError>(() => redisPubSub(options))?.code, "ERR_BAD_OPTION", JSON.stringify(options));
  const fromUrl = redisPubSub({ url: "redis://127.0.0.1:6379/?channelPrefix=from-url&shards=2" });
  t.deepEqual(fromUrl.layout.channels, ["from-url:0", "from-url:1"]);
  const explicit = redisPubSub({ url: "redis://127.0.0.1:6379/?channelPrefix=from-url", channelPrefix: "mine" });
  t.deepEqual(explicit.layout.channels, ["mine"]);
});
