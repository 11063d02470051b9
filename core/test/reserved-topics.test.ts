import test from "ava";
import { FawkesError, type Broadcast } from "@fawkes/core";
import { startCatchAllEndpoint } from "./catch-all-endpoint.js";

/** A catch-all route that rebroadcasts every client event to its topic, or to the topic it names. */
function setup() {
  return startCatchAllEndpoint((event, payload, socket) => {
    const to = (payload as { to?: string }).to;
    if (to !== undefined) socket.endpoint.broadcast(to, event, payload);
    else socket.broadcast(event, payload);
  });
}

const reply = (m: unknown[] | undefined) => m?.[4] as { status: string; response: unknown } | undefined;

test("a phx: topic is never joinable, even through a catch-all route", async (t) => {
  const { connect, endpoint } = await setup();
  const c = await connect();
  c.send(["1", "1", "phx:lp:some-node", "phx_join", {}]);
  c.send(["2", "2", "phx:", "phx_join", {}]);
  c.send(["3", "3", "room:1", "phx_join", {}]);
  c.send([null, "4", "phx:lp:some-node", "dispatch", { sid: "x", ref: "y", from: "z", frames: [] }]);
  const inbox = await c.waitFor(4);
  t.deepEqual(inbox[0], [null, "1", "phx:lp:some-node", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.deepEqual(inbox[1], [null, "2", "phx:", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.deepEqual(reply(inbox[2]), { status: "ok", response: { joined: "room:1" } }, "the catch-all route serves ordinary topics");
  t.deepEqual(inbox[3], [null, "4", "phx:lp:some-node", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.is(endpoint.pubsub.subscriberCount("phx:lp:some-node"), 0);
});

test("user broadcasts to a phx: topic throw ERR_RESERVED_TOPIC and reach neither subscribers nor the relay", async (t) => {
  const { endpoint } = await setup();
  const relayed: unknown[] = [];
  const plain: Broadcast[] = [];
  endpoint.pubsub.relay.subscribe("lp:n1", (event, payload) => relayed.push([event, payload]));
  endpoint.pubsub.subscribe("phx:lp:n1", { deliver: (b) => plain.push(b) });
  const code = (fn: () => void) => t.throws(fn, { instanceOf: FawkesError })?.code;
  t.is(
    code(() => endpoint.broadcast("phx:lp:n1", "dispatch", { sid: "s" })),
    "ERR_RESERVED_TOPIC",
  );
  t.is(
    code(() => endpoint.localBroadcast("phx:lp:n1", "dispatch", {})),
    "ERR_RESERVED_TOPIC",
  );
  t.is(
    code(() => endpoint.broadcastFrom({ deliver() {} }, "phx:lp:n1", "poll", {})),
    "ERR_RESERVED_TOPIC",
  );
  t.is(
    code(() => endpoint.pubsub.broadcast({ topic: "phx:anything", event: "x", payload: {} })),
    "ERR_RESERVED_TOPIC",
  );
  t.deepEqual(relayed, []);
  t.deepEqual(plain, []);
  // The relay itself reaches its handlers, and only them.
  endpoint.pubsub.relay.publish("lp:n1", "poll", { ref: "r" });
  t.deepEqual(relayed, [["poll", { ref: "r" }]]);
  t.deepEqual(plain, [], "a topic subscriber never sees relay traffic");
});

test("a channel that rebroadcasts to a phx: topic crashes (phx_error); the relay sees nothing and the socket lives on", async (t) => {
  const { connect, endpoint } = await setup();
  const relayed: unknown[] = [];
  endpoint.pubsub.relay.subscribe("lp:victim", (event) => relayed.push(event));
  const c = await connect();
  c.send(["1", "1", "room:a", "phx_join", {}]);
  await c.waitFor(1);
  c.send(["1", "2", "room:a", "dispatch", { to: "phx:lp:victim", sid: "s", ref: "r", from: "me", frames: [] }]);
  const inbox = await c.waitFor(2);
  t.deepEqual(inbox[1], ["1", "1", "room:a", "phx_error", { reason: "channel_crash" }]);
  t.deepEqual(relayed, []);
  c.send([null, "3", "phoenix", "heartbeat", {}]);
  t.deepEqual(reply((await c.waitFor(3))[2]), { status: "ok", response: {} });
});
