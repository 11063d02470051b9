// The PubSub on its own: subscriptions, fastlane encoding, exclusion, the
// adapter hand-off, reserved topics and the all-or-nothing encode check.
import test from "ava";
import {
  FawkesError,
  PubSub,
  type Broadcast,
  type FastlaneCache,
  type Frame,
  type Logger,
  type PubSubAdapter,
  type Serializer,
  type Subscriber,
} from "@fawkes/core";

/** A serializer that counts its fastlane calls and refuses payloads with `bad: true`. */
function countingSerializer(name: string, refusesBad = true): Serializer & { fastlaneCalls: number } {
  const s = {
    name,
    vsn: [name],
    binary: false,
    fastlaneCalls: 0,
    encode: (): Frame => ({ opcode: "text", data: "" }),
    fastlane(b: Broadcast): Frame {
      s.fastlaneCalls++;
      if (refusesBad && (b.payload as { bad?: boolean } | null)?.bad === true) throw new Error(`${name} cannot encode`);
      return { opcode: "text", data: `${name}:${b.event}` };
    },
    decode: () => {
      throw new Error("not used");
    },
  };
  return s;
}

interface Received {
  broadcast: Broadcast;
  frame: Frame | undefined;
}

/** A subscriber that records each broadcast and the fastlane frame of its serializer. */
function recorder(serializer?: Serializer): Subscriber & { got: Received[] } {
  const got: Received[] = [];
  return {
    serializer,
    got,
    deliver(broadcast: Broadcast, lane: FastlaneCache) {
      got.push({ broadcast, frame: serializer === undefined ? undefined : lane.frameFor(serializer) });
    },
  };
}

function capturingLogger(): Logger & { errors: { msg: string; fields: Record<string, unknown> | undefined }[] } {
  const errors: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  const noop = () => {};
  return {
    debug: noop,
    info: noop,
    warn: noop,
    error: (msg: string, fields?: Record<string, unknown>) => {
      errors.push({ msg, fields });
    },
    errors,
  };
}

/** An adapter that records what it publishes and lets the test play another node. */
function fakeAdapter(): PubSubAdapter & { published: Broadcast[]; fromOtherNode(b: Broadcast): void; node: string | undefined } {
  let deliver: ((b: Broadcast) => void) | undefined;
  const adapter = {
    published: [] as Broadcast[],
    node: undefined as string | undefined,
    async start(node: string, d: (b: Broadcast) => void) {
      adapter.node = node;
      deliver = d;
    },
    publish(b: Broadcast) {
      adapter.published.push(b);
    },
    async close() {},
    fromOtherNode(b: Broadcast) {
      if (deliver === undefined) throw new Error("adapter not started");
      deliver(b);
    },
  };
  return adapter;
}

const msg = (topic: string, event = "new_msg", payload: unknown = { body: "hi" }): Broadcast => ({ topic, event, payload });

test("subscribe delivers broadcasts on that topic only; unsubscribe stops them and drops the empty topic", (t) => {
  const pubsub = new PubSub(capturingLogger());
  const a = recorder();
  const other = recorder();
  pubsub.subscribe("room:1", a);
  pubsub.subscribe("room:1", a); // a second subscribe of the same subscriber is one subscription
  pubsub.subscribe("room:2", other);
  t.is(pubsub.subscriberCount("room:1"), 1);
  pubsub.broadcast(msg("room:1", "one"));
  t.deepEqual(
    a.got.map((r) => r.broadcast.event),
    ["one"],
    "delivered once, synchronously",
  );
  t.is(other.got.length, 0, "another topic's subscriber got nothing");
  pubsub.unsubscribe("room:1", a);
  t.is(pubsub.subscriberCount("room:1"), 0);
  pubsub.broadcast(msg("room:1", "two"));
  t.is(a.got.length, 1, "nothing after unsubscribe");
  pubsub.unsubscribe("room:1", a); // unsubscribing twice (or from an unknown topic) is harmless
  pubsub.unsubscribe("nowhere", a);
});

test("delivery is in publish order", (t) => {
  const pubsub = new PubSub(capturingLogger());
  const a = recorder();
  pubsub.subscribe("room:1", a);
  for (let i = 0; i < 5; i++) pubsub.broadcast(msg("room:1", `e${i}`));
  t.deepEqual(
    a.got.map((r) => r.broadcast.event),
    ["e0", "e1", "e2", "e3", "e4"],
  );
});

test("fastlane: one encode per serializer per broadcast, and the same frame object to every subscriber of that serializer", (t) => {
  const pubsub = new PubSub(capturingLogger());
  const s1 = countingSerializer("s1");
  const s2 = countingSerializer("s2");
  const subs1 = [recorder(s1), recorder(s1), recorder(s1)];
  const subs2 = [recorder(s2), recorder(s2)];
  const plain = recorder();
  for (const s of [...subs1, ...subs2, plain]) pubsub.subscribe("room:1", s);
  pubsub.broadcast(msg("room:1"));
  t.is(s1.fastlaneCalls, 1);
  t.is(s2.fastlaneCalls, 1);
  const f1 = subs1[0]!.got[0]!.frame;
  t.deepEqual(f1, { opcode: "text", data: "s1:new_msg" });
  for (const s of subs1) t.is(s.got[0]!.frame, f1, "the very same frame object");
  const f2 = subs2[0]!.got[0]!.frame;
  t.not(f2, f1);
  for (const s of subs2) t.is(s.got[0]!.frame, f2);
  t.is(plain.got.length, 1, "a subscriber without a serializer still gets the broadcast");
  // A serializer whose last subscriber left is no longer encoded for.
  for (const s of subs2) pubsub.unsubscribe("room:1", s);
  pubsub.broadcast(msg("room:1"));
  t.is(s1.fastlaneCalls, 2);
  t.is(s2.fastlaneCalls, 1);
});

test("broadcast with `from` excludes that subscriber only", (t) => {
  const pubsub = new PubSub(capturingLogger());
  const sender = recorder();
  const a = recorder();
  const b = recorder();
  for (const s of [sender, a, b]) pubsub.subscribe("room:1", s);
  pubsub.broadcast(msg("room:1", "from"), sender);
  pubsub.localBroadcast(msg("room:1", "local-from"), sender);
  t.deepEqual(sender.got, []);
  t.deepEqual(
    a.got.map((r) => r.broadcast.event),
    ["from", "local-from"],
  );
  t.deepEqual(
    b.got.map((r) => r.broadcast.event),
    ["from", "local-from"],
  );
});

test("the adapter gets every broadcast (not local ones); broadcasts from other nodes reach local subscribers and are not published back", async (t) => {
  const adapter = fakeAdapter();
  const pubsub = new PubSub(capturingLogger(), adapter);
  await pubsub.start("node-a");
  t.is(adapter.node, "node-a");
  const s = countingSerializer("s");
  const a = recorder(s);
  pubsub.subscribe("room:1", a);
  const sent = msg("room:1", "here");
  pubsub.broadcast(sent);
  pubsub.broadcast(msg("room:nobody", "unheard")); // published even with no local subscriber
  pubsub.localBroadcast(msg("room:1", "local"));
  t.deepEqual(
    adapter.published.map((b) => b.event),
    ["here", "unheard"],
  );
  t.is(adapter.published[0], sent, "the broadcast object itself is handed over");

  adapter.fromOtherNode(msg("room:1", "remote"));
  adapter.fromOtherNode(msg("room:2", "remote-elsewhere"));
  t.deepEqual(
    a.got.map((r) => r.broadcast.event),
    ["here", "local", "remote"],
  );
  t.deepEqual(a.got[2]!.frame, { opcode: "text", data: "s:remote" }, "encoded here with the local serializer");
  t.is(adapter.published.length, 2, "a remote broadcast is not echoed to the adapter");
});

test("a broadcast from another node that cannot be encoded here is dropped and logged, not thrown", async (t) => {
  const adapter = fakeAdapter();
  const log = capturingLogger();
  const pubsub = new PubSub(log, adapter);
  await pubsub.start("node-a");
  const a = recorder(countingSerializer("s"));
  pubsub.subscribe("room:1", a);
  t.notThrows(() => adapter.fromOtherNode(msg("room:1", "bad", { bad: true })));
  t.is(a.got.length, 0);
  t.is(log.errors[0]?.fields?.code, "ERR_UNENCODABLE");
  adapter.fromOtherNode(msg("room:1", "good"));
  t.deepEqual(
    a.got.map((r) => r.broadcast.event),
    ["good"],
    "later broadcasts flow",
  );
});

test("reserved (phx:) topics are refused for broadcasts and never deliver, not even from another node", async (t) => {
  const adapter = fakeAdapter();
  const pubsub = new PubSub(capturingLogger(), adapter);
  await pubsub.start("node-a");
  const spy = recorder();
  pubsub.subscribe("phx:lp:node-b", spy);
  for (const send of [() => pubsub.broadcast(msg("phx:lp:node-b")), () => pubsub.localBroadcast(msg("phx:x"))]) {
    const error = t.throws(send, { instanceOf: FawkesError });
    t.is(error?.code, "ERR_RESERVED_TOPIC");
  }
  t.deepEqual(adapter.published, [], "nothing published");
  adapter.fromOtherNode(msg("phx:lp:node-b", "relayed"));
  t.deepEqual(spy.got, [], "relay traffic never reaches a topic subscriber");
});

test("an unencodable broadcast throws ERR_UNENCODABLE before anyone (here or on the adapter) gets it", (t) => {
  const adapter = fakeAdapter();
  const pubsub = new PubSub(capturingLogger(), adapter);
  const ok = countingSerializer("ok", false);
  const picky = countingSerializer("picky");
  const first = recorder(); // no serializer: would be delivered first if delivery began early
  const a = recorder(ok);
  const b = recorder(picky);
  for (const s of [first, a, b]) pubsub.subscribe("room:1", s);
  const error = t.throws(() => pubsub.broadcast(msg("room:1", "x", { bad: true })), { instanceOf: FawkesError });
  t.is(error?.code, "ERR_UNENCODABLE");
  t.truthy(error?.cause);
  t.is(ok.fastlaneCalls, 1, "the encodable serializer was tried first");
  t.deepEqual([first.got.length, a.got.length, b.got.length], [0, 0, 0], "nobody got it, not even subscribers before the failing one");
  t.deepEqual(adapter.published, []);
});

test("an unencodable broadcast with no local subscriber is caught by the validator serializer; without one it passes", (t) => {
  const adapter = fakeAdapter();
  const pubsub = new PubSub(capturingLogger(), adapter);
  pubsub.broadcast(msg("room:1", "unchecked", { bad: true }));
  t.is(adapter.published.length, 1, "no validator: not checked here");
  const validator = countingSerializer("v");
  pubsub.validateWith(validator);
  const error = t.throws(() => pubsub.broadcast(msg("room:1", "checked", { bad: true })), { instanceOf: FawkesError });
  t.is(error?.code, "ERR_UNENCODABLE");
  t.is(adapter.published.length, 1);
  pubsub.broadcast(msg("room:1", "fine"));
  t.is(validator.fastlaneCalls, 2);
  t.is(adapter.published.length, 2);
});

test("a subscriber that throws is logged and does not stop delivery to the others", (t) => {
  const log = capturingLogger();
  const pubsub = new PubSub(log);
  const before = recorder();
  const after = recorder();
  pubsub.subscribe("room:1", before);
  pubsub.subscribe("room:1", {
    deliver: () => {
      throw new Error("boom");
    },
  });
  pubsub.subscribe("room:1", after);
  t.notThrows(() => pubsub.broadcast(msg("room:1")));
  t.is(before.got.length, 1);
  t.is(after.got.length, 1);
  t.is(log.errors.length, 1);
  t.is(log.errors[0]?.fields?.topic, "room:1");
});
