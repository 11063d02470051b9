// Relay channels are a namespace of their own: on two nodes joined by an
// in-memory adapter, a `*` route and `endpoint.pubsub.subscribe` on the relay's
// channel name (or on its reserved adapter topic) never see a relay message,
// and what a client broadcasts on that name never reaches a relay handler.
import test from "ava";
import { FawkesError, relayTopic, type Broadcast, type PubSubAdapter } from "@fawkes/core";
import { startCatchAllEndpoint } from "./catch-all-endpoint.js";

/** Adapters for nodes of one process: each broadcast goes to every other started node, in publish order, as JSON. */
function memoryHub() {
  const nodes = new Map<string, (b: Broadcast) => void>();
  const adapter = (): PubSubAdapter => {
    let self: string | undefined;
    return {
      start: async (node, deliver) => {
        self = node;
        nodes.set(node, deliver);
      },
      publish: (b) => {
        const copy = JSON.parse(JSON.stringify(b)) as Broadcast;
        queueMicrotask(() => {
          for (const [node, deliver] of nodes) if (node !== self) deliver(copy);
        });
      },
      close: async () => {
        if (self !== undefined) nodes.delete(self);
      },
    };
  };
  return { adapter };
}

async function node(name: string, hub: ReturnType<typeof memoryHub>) {
  const { endpoint, transport, connect } = await startCatchAllEndpoint((event, payload, socket) => socket.broadcast(event, payload), {
    node: name,
    pubsub: hub.adapter(),
  });
  return { endpoint, connect, relay: transport.host!.relay };
}

test("two nodes: a * route and pubsub subscriptions on the relay's names never see relay messages, and clients cannot write to the relay", async (t) => {
  const hub = memoryHub();
  const a = await node("a", hub);
  const b = await node("b", hub);
  t.teardown(async () => {
    await a.endpoint.close();
    await b.endpoint.close();
  });
  const channel = "lp:b";
  const wire = relayTopic(channel);
  t.is(wire, "phx:lp:b");

  // Node B listens on its relay channel, as the LongPoll transport does.
  const relayed: unknown[] = [];
  let arrived: () => void = () => {};
  const first = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  b.relay.subscribe(channel, (event, payload) => {
    relayed.push([event, payload]);
    arrived();
  });

  // Everything else that might see relay traffic, on both nodes.
  const seen: string[] = [];
  for (const [n, endpoint] of [
    ["a", a.endpoint],
    ["b", b.endpoint],
  ] as const) {
    for (const topic of [channel, wire]) endpoint.pubsub.subscribe(topic, { deliver: (m) => seen.push(`${n} ${topic} ${m.event}`) });
  }
  const attacker = await b.connect();
  attacker.send(["1", "1", channel, "phx_join", {}]);
  attacker.send(["2", "2", wire, "phx_join", {}]);
  const joins = await attacker.waitFor(2);
  t.deepEqual(joins[0], ["1", "1", channel, "phx_reply", { status: "ok", response: { joined: channel } }], "the relay channel's name is an ordinary topic");
  t.deepEqual(joins[1], [null, "2", wire, "phx_reply", { status: "error", response: { reason: "unmatched topic" } }], "its adapter topic is reserved");

  // A relay message from node A reaches node B's relay handler, and nothing else.
  a.relay.publish(channel, "dispatch", { sid: "victim", frames: ["secret"] });
  await first;
  t.deepEqual(relayed, [["dispatch", { sid: "victim", frames: ["secret"] }]]);

  // A user broadcast on the same name, sent after it: the client and the subscribers get that one only.
  a.endpoint.broadcast(channel, "user_event", { n: 1 });
  const frames = await attacker.waitFor(3);
  t.deepEqual(frames[2], [null, null, channel, "user_event", { n: 1 }]);
  t.deepEqual(seen.sort(), ["a lp:b user_event", "b lp:b user_event"]);

  // What the client broadcasts on that name stays a topic broadcast; relay handlers never get it.
  attacker.send(["1", "3", channel, "dispatch", { sid: "victim", ref: "forged", from: "attacker", frames: [] }]);
  const echoed = await attacker.waitFor(5);
  t.deepEqual(
    echoed
      .slice(3)
      .map((m) => m[3])
      .sort(),
    ["dispatch", "phx_reply"],
  );
  a.relay.publish(channel, "fence", {});
  const fenced = new Promise<void>((resolve) =>
    b.relay.subscribe(channel, (event) => {
      if (event === "fence") resolve();
    }),
  );
  await fenced;
  t.deepEqual(
    relayed.map((r) => (r as unknown[])[0]),
    ["dispatch", "fence"],
    "only relay publishes reach the relay, in order",
  );
  t.deepEqual(
    seen.filter((s) => s.endsWith("fence")),
    [],
  );
  t.is(t.throws(() => b.endpoint.broadcast(wire, "dispatch", {}), { instanceOf: FawkesError })?.code, "ERR_RESERVED_TOPIC");
});

test("on one node the relay delivers by channel name only: topic subscribers and a joined * channel of that name get nothing", async (t) => {
  const hub = memoryHub();
  const a = await node("solo", hub);
  t.teardown(() => a.endpoint.close());
  const got: string[] = [];
  a.endpoint.pubsub.subscribe("lp:x", { deliver: (m) => got.push(`topic ${m.event}`) });
  a.endpoint.pubsub.subscribe(relayTopic("lp:x"), { deliver: (m) => got.push(`wire ${m.event}`) });
  const unsubscribe = a.relay.subscribe("lp:x", (event) => got.push(`relay ${event}`));
  const c = await a.connect();
  c.send(["1", "1", "lp:x", "phx_join", {}]);
  await c.waitFor(1);
  a.relay.publish("lp:x", "poll", {});
  a.endpoint.broadcast("lp:x", "news", {});
  t.deepEqual(got, ["relay poll", "topic news"]);
  t.deepEqual((await c.waitFor(2)).slice(1), [[null, null, "lp:x", "news", {}]], "the channel saw the broadcast, not the relay message");
  unsubscribe();
  a.relay.publish("lp:x", "poll", {});
  t.deepEqual(got, ["relay poll", "topic news"], "unsubscribed");
  t.is(t.throws(() => a.relay.subscribe("", () => {}), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
});
