import test from "ava";
import { defineSocket, ok, error, stop, refuse, type Channel, type ChannelSocket } from "@fawkes/core";
import { jsonV2, connectMemory, memoryTransport, startMemoryEndpoint, type MemoryClient } from "./memory-transport.js";

class Room implements Channel {
  readonly intercepts = ["shout"];
  terminated: string[] = [];
  static terminations: string[] = [];
  join(topic: string, payload: unknown, socket: ChannelSocket) {
    if ((payload as { reject?: boolean }).reject) return error({ reason: "unauthorized" });
    socket.push("joined", { topic });
    return ok({ joined: topic });
  }
  async handleIn(event: string, payload: unknown, socket: ChannelSocket) {
    switch (event) {
      case "echo":
        return ok(payload);
      case "crash":
        throw new Error("boom");
      case "stop":
        return stop("normal", { status: "ok", response: {} });
      case "wait":
        await new Promise((r) => setTimeout(r, (payload as { ms: number }).ms));
        return ok({ waited: true });
      case "later": {
        const ref = socket.socketRef();
        setTimeout(() => ref.reply("ok", { later: true }), 20);
        return undefined;
      }
      case "shout":
        socket.broadcast("shout", payload);
        return ok();
      case "from":
        socket.broadcastFrom("from", payload);
        return ok();
      default:
        return error({ reason: "unknown" });
    }
  }
  handleOut(event: string, payload: unknown, socket: ChannelSocket) {
    socket.push(event, { ...(payload as object), intercepted: true });
  }
  terminate(reason: string, socket: ChannelSocket) {
    Room.terminations.push(`${socket.topic}:${reason}`);
  }
}

async function setup(options: { maxChannels?: number; maxQueuedMessages?: number } = {}) {
  const transport = memoryTransport();
  const socket = defineSocket({
    serializers: [jsonV2],
    maxChannels: options.maxChannels ?? 100,
    maxQueuedMessages: options.maxQueuedMessages ?? 1000,
    connect(params, s) {
      if (params.reject === "1") return refuse("go away", 401);
      if (params.error === "1") return error("nope");
      if (params.throw === "1") throw new Error("connect bug");
      s.assign("user_id", params.user_id);
      return true;
    },
    id: (s) => (s.assigns.user_id ? `user_socket:${String(s.assigns.user_id)}` : null),
  })
    .transport("memory", transport)
    .channel("room:*", Room)
    .channel("slowjoin:*", { join: () => new Promise((r) => setTimeout(() => r(ok({ slow: true })), 30)) })
    .channel("crashjoin:*", {
      join: () => {
        throw new Error("join bug");
      },
    })
    .channel("ws_only", { join: () => ok() }, { via: ["websocket"] });
  const endpoint = await startMemoryEndpoint(socket, transport);
  const connect = async (params: Record<string, string> = { vsn: "2.0.0" }) => {
    const c = await connectMemory(transport, params);
    if (!("inbox" in c)) throw new Error(`refused ${c.code}`);
    return c;
  };
  return { endpoint, transport, connect };
}

const join = (c: MemoryClient, topic: string, jr: string, payload: unknown = {}) => c.send([jr, jr, topic, "phx_join", payload]);

test("heartbeat is answered on topic phoenix with join_ref null", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  c.send([null, "1", "phoenix", "heartbeat", {}]);
  t.deepEqual((await c.waitFor(1))[0], [null, "1", "phoenix", "phx_reply", { status: "ok", response: {} }]);
});

test("join replies ok before pushes made during join, then events reach handleIn", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:1", "1");
  c.send(["1", "2", "room:1", "echo", { a: 1 }]);
  const inbox = await c.waitFor(3);
  t.deepEqual(inbox[0], ["1", "1", "room:1", "phx_reply", { status: "ok", response: { joined: "room:1" } }]);
  t.deepEqual(inbox[1], ["1", null, "room:1", "joined", { topic: "room:1" }]);
  t.deepEqual(inbox[2], ["1", "2", "room:1", "phx_reply", { status: "ok", response: { a: 1 } }]);
});

test("refused join, unmatched topic, event on an unjoined topic, via restriction", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:1", "1", { reject: true });
  join(c, "nothing:1", "2");
  c.send(["3", "4", "room:2", "echo", {}]);
  join(c, "ws_only", "5");
  const inbox = await c.waitFor(4);
  t.deepEqual(inbox[0], ["1", "1", "room:1", "phx_reply", { status: "error", response: { reason: "unauthorized" } }]);
  t.deepEqual(inbox[1], [null, "2", "nothing:1", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.deepEqual(inbox[2], [null, "4", "room:2", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.deepEqual(inbox[3], [null, "5", "ws_only", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
});

test("a join that throws answers join crashed", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "crashjoin:1", "1");
  t.deepEqual((await c.waitFor(1))[0], ["1", "1", "crashjoin:1", "phx_reply", { status: "error", response: { reason: "join crashed" } }]);
});

test("frames after an async join wait for it, in order", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "slowjoin:1", "1");
  c.send(["1", "2", "slowjoin:1", "anything", {}]);
  join(c, "room:1", "3");
  const inbox = await c.waitFor(3);
  t.deepEqual(inbox[0], ["1", "1", "slowjoin:1", "phx_reply", { status: "ok", response: { slow: true } }]);
  t.is(inbox[1]![3], "phx_reply"); // handleIn absent: no reply, so the next is room:1's join
  t.is(inbox[1]![2], "room:1");
});

test("duplicate join: the old channel terminates, new reply, then phx_close with the old join_ref", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:dup", "1");
  await c.waitFor(2);
  join(c, "room:dup", "5");
  const inbox = await c.waitFor(5);
  t.deepEqual(inbox[2], ["5", "5", "room:dup", "phx_reply", { status: "ok", response: { joined: "room:dup" } }]);
  t.deepEqual(inbox[3], ["5", null, "room:dup", "joined", { topic: "room:dup" }]);
  t.deepEqual(inbox[4], ["1", "1", "room:dup", "phx_close", {}]);
  t.true(Room.terminations.includes("room:dup:duplicate_join"));
});

test("leave: stale join_ref ignored, current replies ok then phx_close; leave when not joined replies ok", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:l", "1");
  await c.waitFor(2);
  c.send(["0", "2", "room:l", "phx_leave", {}]);
  c.send(["1", "3", "room:l", "phx_leave", {}]);
  c.send(["9", "4", "room:none", "phx_leave", {}]);
  const inbox = await c.waitFor(5);
  t.deepEqual(inbox.slice(2), [
    ["1", "3", "room:l", "phx_reply", { status: "ok", response: {} }],
    ["1", "1", "room:l", "phx_close", {}],
    ["9", "4", "room:none", "phx_reply", { status: "ok", response: {} }],
  ]);
  t.true(Room.terminations.includes("room:l:left"));
});

test("stale join_ref events are dropped silently", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:s", "1");
  c.send(["7", "2", "room:s", "echo", { stale: true }]);
  c.send(["1", "3", "room:s", "echo", { fresh: true }]);
  const inbox = await c.waitFor(3);
  t.deepEqual(inbox[2], ["1", "3", "room:s", "phx_reply", { status: "ok", response: { fresh: true } }]);
  await new Promise((r) => setTimeout(r, 20));
  t.is(inbox.length, 3);
});

test("a crash isolates to its channel: phx_error, other channels live on, rejoin works", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:a", "1");
  join(c, "room:b", "2");
  await c.waitFor(4);
  c.send(["1", "3", "room:a", "crash", {}]);
  c.send(["2", "4", "room:b", "echo", { still: "alive" }]);
  const inbox = await c.waitFor(6);
  t.deepEqual(inbox[4], ["1", "1", "room:a", "phx_error", { reason: "channel_crash" }]);
  t.deepEqual(inbox[5], ["2", "4", "room:b", "phx_reply", { status: "ok", response: { still: "alive" } }]);
  c.send(["1", "5", "room:a", "echo", {}]);
  join(c, "room:a", "6");
  const after = await c.waitFor(8);
  t.deepEqual(after[6], [null, "5", "room:a", "phx_reply", { status: "error", response: { reason: "unmatched topic" } }]);
  t.is((after[7]![4] as { status: string }).status, "ok");
});

test("stop replies, then phx_close", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:stop", "1");
  c.send(["1", "2", "room:stop", "stop", {}]);
  const inbox = await c.waitFor(4);
  t.deepEqual(inbox.slice(2), [
    ["1", "2", "room:stop", "phx_reply", { status: "ok", response: {} }],
    ["1", "1", "room:stop", "phx_close", {}],
  ]);
});

test("a slow async handleIn holds its own channel, not the others; later replies from a saved ref", async (t) => {
  const { connect } = await setup();
  const c = await connect();
  join(c, "room:slow", "1");
  join(c, "room:fast", "2");
  await c.waitFor(4);
  c.send(["1", "3", "room:slow", "wait", { ms: 60 }]);
  c.send(["1", "4", "room:slow", "echo", { second: true }]);
  c.send(["2", "5", "room:fast", "later", {}]);
  c.send(["2", "6", "room:fast", "echo", { fast: true }]);
  const inbox = await c.waitFor(8);
  const refs = inbox.slice(4).map((m) => m[1]);
  t.deepEqual(refs, ["6", "5", "3", "4"]);
});

test("channel limit", async (t) => {
  const { connect } = await setup({ maxChannels: 2 });
  const c = await connect();
  join(c, "room:1", "1");
  join(c, "room:2", "2");
  join(c, "room:3", "3");
  const inbox = await c.waitFor(5);
  t.deepEqual(inbox[4], ["3", "3", "room:3", "phx_reply", { status: "error", response: { reason: "too many channels joined" } }]);
});

test("broadcast, broadcastFrom and intercepts", async (t) => {
  const { connect } = await setup();
  const a = await connect();
  const b = await connect();
  join(a, "room:x", "1");
  join(b, "room:x", "1");
  await a.waitFor(2);
  await b.waitFor(2);
  a.send(["1", "2", "room:x", "from", { n: 1 }]);
  await a.waitFor(3);
  t.deepEqual((await b.waitFor(3))[2], [null, null, "room:x", "from", { n: 1 }]);
  a.send(["1", "3", "room:x", "shout", { n: 2 }]);
  t.deepEqual((await b.waitFor(4))[3], ["1", null, "room:x", "shout", { n: 2, intercepted: true }]);
  t.is(a.inbox.filter((m) => m[3] === "from").length, 0);
});

test("the disconnect broadcast closes every connection of that socket id with 1001", async (t) => {
  const { connect, endpoint } = await setup();
  const a = await connect({ vsn: "2.0.0", user_id: "7" });
  const b = await connect({ vsn: "2.0.0", user_id: "7" });
  const other = await connect({ vsn: "2.0.0", user_id: "8" });
  join(a, "room:1", "1");
  await a.waitFor(2);
  endpoint.broadcast("user_socket:7", "disconnect", {});
  t.deepEqual(a.closedWith, { code: 1001, reason: "disconnect" });
  t.deepEqual(b.closedWith, { code: 1001, reason: "disconnect" });
  t.is(other.closedWith, undefined);
  t.true(Room.terminations.includes("room:1:closed"));
  t.is(endpoint.pubsub.subscriberCount("room:1"), 0);
});

test("connect refusals carry status and code; unknown vsn refused", async (t) => {
  const { transport } = await setup();
  t.like(await connectMemory(transport, { vsn: "2.0.0", reject: "1" }), { status: 401, code: "ERR_REFUSED" });
  t.like(await connectMemory(transport, { vsn: "2.0.0", error: "1" }), { status: 403, code: "ERR_REFUSED" });
  t.like(await connectMemory(transport, { vsn: "2.0.0", throw: "1" }), { status: 500, code: "ERR_CONNECT_CRASHED" });
  t.like(await connectMemory(transport, { vsn: "9.0.0" }), { status: 403, code: "ERR_UNKNOWN_VSN" });
  t.like(await connectMemory(transport, {}), { status: 403, code: "ERR_UNKNOWN_VSN" }); // default 1.0.0, only V2 listed
});

test("a malformed frame closes only that connection with 1007", async (t) => {
  const { connect } = await setup();
  const bad = await connect();
  const good = await connect();
  bad.sendRaw({ opcode: "text", data: "{not json" });
  t.deepEqual(bad.closedWith, { code: 1007, reason: "ERR_MALFORMED_FRAME" });
  good.send([null, "1", "phoenix", "heartbeat", {}]);
  t.is((await good.waitFor(1)).length, 1);
});

test("endpoint.close closes connections with 1012 and terminates channels", async (t) => {
  const { connect, endpoint } = await setup();
  const c = await connect();
  join(c, "room:bye", "1");
  await c.waitFor(2);
  await endpoint.close();
  t.deepEqual(c.closedWith, { code: 1012, reason: "endpoint closing" });
  t.true(Room.terminations.includes("room:bye:closed"));
  t.is(endpoint.connectionCount, 0);
});

test("a flood behind a slow join or a slow channel closes only that connection, 1008 ERR_INBOUND_FLOOD", async (t) => {
  const { connect } = await setup({ maxQueuedMessages: 5 });
  const behindJoin = await connect();
  join(behindJoin, "slowjoin:1", "1");
  for (let i = 0; i < 6; i++) behindJoin.send(["1", String(i + 10), "slowjoin:1", "x", {}]);
  t.deepEqual(behindJoin.closedWith, { code: 1008, reason: "ERR_INBOUND_FLOOD" });

  const slowChannel = await connect();
  const bystander = await connect();
  join(slowChannel, "room:slow", "1");
  await slowChannel.waitFor(2);
  slowChannel.send(["1", "2", "room:slow", "wait", { ms: 200 }]);
  for (let i = 0; i < 5; i++) slowChannel.send(["1", String(i + 3), "room:slow", "echo", {}]);
  t.is(slowChannel.closedWith, undefined, "five waiting is within the limit");
  slowChannel.send(["1", "99", "room:slow", "echo", {}]);
  t.deepEqual(slowChannel.closedWith, { code: 1008, reason: "ERR_INBOUND_FLOOD" });
  join(bystander, "room:slow", "1");
  t.is(((await bystander.waitFor(1))[0]![4] as { status: string }).status, "ok");
});
