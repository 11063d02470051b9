// The channel server on its own, on a fake connection: join verdicts, callback
// results, crash isolation, intercepted broadcasts, the mailbox and terminate.
import test from "ava";
import {
  FastlaneCache,
  error,
  noreply,
  ok,
  reply,
  stop,
  type Broadcast,
  type Channel,
  type Frame,
  type Message,
  type Outbound,
  type Serializer,
} from "@fawkes/core";
import { ChannelServer, type ChannelHost } from "../dist/channel/channel-server.js";
import type { Socket } from "../dist/state/socket-state.js";

const serializer: Serializer & { fastlaneCalls: number } = {
  name: "fake",
  vsn: ["2.0.0"],
  binary: false,
  fastlaneCalls: 0,
  encode: (m: Outbound): Frame => ({ opcode: "text", data: JSON.stringify(m) }),
  fastlane(b: Broadcast): Frame {
    serializer.fastlaneCalls++;
    return { opcode: "text", data: `fastlane:${b.event}` };
  },
  decode: () => {
    throw new Error("not used");
  },
};

interface FakeHost extends ChannelHost {
  readonly out: Outbound[];
  readonly frames: { frame: Frame; shared: boolean }[];
  readonly broadcasts: { broadcast: Broadcast; from: unknown }[];
  readonly ended: ChannelServer[];
  readonly errors: { msg: string; fields: Record<string, unknown> | undefined }[];
  floods: number;
  failOutbound: ((m: Outbound) => boolean) | undefined;
}

function fakeHost(maxQueuedMessages = 100): FakeHost {
  const noop = () => {};
  const host: FakeHost = {
    socket: {} as Socket, // the channel socket reads it lazily; these tests never do
    serializer,
    maxQueuedMessages,
    out: [],
    frames: [],
    broadcasts: [],
    ended: [],
    errors: [],
    floods: 0,
    failOutbound: undefined,
    log: {
      debug: noop,
      info: noop,
      warn: noop,
      error: (msg, fields) => {
        host.errors.push({ msg, fields });
      },
    },
    send(frame, shared) {
      host.frames.push({ frame, shared });
    },
    sendOutbound(m) {
      if (host.failOutbound?.(m) === true) throw new Error("unencodable");
      host.out.push(m);
    },
    broadcast(broadcast, from) {
      host.broadcasts.push({ broadcast, from });
    },
    flooded() {
      host.floods++;
    },
    channelEnded(server) {
      host.ended.push(server);
    },
  };
  return host;
}

const JOIN_REF = "1";
const joinMessage = (topic = "room:1"): Message => ({ joinRef: JOIN_REF, ref: JOIN_REF, topic, event: "phx_join", payload: {} });
const inMessage = (event: string, ref: string, payload: unknown = {}): Message => ({ joinRef: JOIN_REF, ref, topic: "room:1", event, payload });

/** Joins as the connection does: join, then (if joined) activate and opened. */
async function joined(channel: Channel | (new () => Channel), host = fakeHost()): Promise<{ server: ChannelServer; host: FakeHost }> {
  const server = new ChannelServer(host, channel, joinMessage());
  const verdict = await server.join({});
  if (!verdict.joined) throw new Error("join refused");
  server.activate();
  server.opened();
  return { server, host };
}

/** What the client was sent, as [ref, event or reply status, payload or response]. */
function wire(host: FakeHost): unknown[][] {
  return host.out.map((m) => ("kind" in m ? [m.ref, `reply:${m.status}`, m.response] : [m.ref, m.event, m.payload]));
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks run (a bounded number of microtask turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

// join

test("join verdicts: ok(response), true and undefined join; error(response) and false refuse", async (t) => {
  const cases: [unknown, boolean, unknown][] = [
    [ok({ hello: 1 }), true, { hello: 1 }],
    [true, true, {}],
    [undefined, true, {}],
    [error({ reason: "unauthorized" }), false, { reason: "unauthorized" }],
    [false, false, {}],
  ];
  for (const [result, joinedAs, response] of cases) {
    const server = new ChannelServer(fakeHost(), { join: () => result as never }, joinMessage());
    t.deepEqual(await server.join({}), { joined: joinedAs, response }, `join returned ${JSON.stringify(result)}`);
  }
  const async = new ChannelServer(fakeHost(), { join: async () => ok({ later: true }) }, joinMessage());
  const verdict = async.join({});
  t.true(verdict instanceof Promise, "an async join answers with a promise");
  t.deepEqual(await verdict, { joined: true, response: { later: true } });
});

test("a join that throws, rejects or returns a non-result reads as refused, closes the server and is logged", async (t) => {
  const joins: Channel["join"][] = [
    () => {
      throw new Error("boom");
    },
    async () => {
      throw new Error("async boom");
    },
    () => ({ type: "weird" }) as never,
    () => 42 as never,
  ];
  for (const join of joins) {
    const host = fakeHost();
    const server = new ChannelServer(host, { join }, joinMessage());
    t.deepEqual(await server.join({}), { joined: false, response: { reason: "join crashed" } });
    t.true(server.closed);
    t.is(host.errors[0]?.msg, "channel join crashed");
  }
  const host = fakeHost();
  await new ChannelServer(host, { join: () => 42 as never }, joinMessage()).join({});
  t.is((host.errors[0]?.fields?.cause as { code?: string } | undefined)?.code, "ERR_BAD_RESULT");
});

test("pushes made during join wait for opened(); events that arrive meanwhile run after them, in order", async (t) => {
  const host = fakeHost();
  const seen: string[] = [];
  const server = new ChannelServer(
    host,
    {
      join(_topic, _payload, socket) {
        socket.push("welcome", { n: 1 });
        return ok();
      },
      handleIn(event) {
        seen.push(event);
        return reply("ok", { event });
      },
    },
    joinMessage(),
  );
  await server.join({});
  server.handleIn(inMessage("early", "2"));
  t.deepEqual(host.out, [], "nothing is sent before the join reply");
  t.deepEqual(seen, [], "an event that arrives while joining waits");
  server.activate();
  t.deepEqual(host.out, []);
  server.opened();
  t.deepEqual(wire(host), [
    [null, "welcome", { n: 1 }],
    ["2", "reply:ok", { event: "early" }],
  ]);
});

test("a class channel gets one instance per join; a plain object is shared", async (t) => {
  const instances = new Set<unknown>();
  class Room implements Channel {
    join() {
      instances.add(this);
      return ok();
    }
  }
  await joined(Room);
  await joined(Room);
  t.is(instances.size, 2);
  const shared: Channel & { joins: number } = {
    joins: 0,
    join() {
      shared.joins++;
      return ok();
    },
  };
  await joined(shared);
  await joined(shared);
  t.is(shared.joins, 2);
});

// handleIn results

test("handleIn results: ok and error reply with the message's ref, reply(status) its status, noreply and undefined send nothing", async (t) => {
  const { server, host } = await joined({
    join: () => ok(),
    handleIn(event, payload) {
      switch (event) {
        case "ok":
          return ok(payload);
        case "error":
          return error({ reason: "nope" });
        case "custom":
          return reply("accepted", { id: 9 });
        case "noreply":
          return noreply();
        default:
          return undefined;
      }
    },
  });
  server.handleIn(inMessage("ok", "2", { a: 1 }));
  server.handleIn(inMessage("error", "3"));
  server.handleIn(inMessage("custom", "4"));
  server.handleIn(inMessage("noreply", "5"));
  server.handleIn(inMessage("nothing", "6"));
  t.deepEqual(wire(host), [
    ["2", "reply:ok", { a: 1 }],
    ["3", "reply:error", { reason: "nope" }],
    ["4", "reply:accepted", { id: 9 }],
  ]);
  t.false(server.closed);
});

test("stop replies (when given a reply), then phx_close with the join ref; terminate gets the stop reason", async (t) => {
  const reasons: string[] = [];
  const channel: Channel = {
    join: () => ok(),
    handleIn: (event) => (event === "bye" ? stop("shutdown", { status: "ok", response: { bye: true } }) : stop()),
    terminate: (reason) => {
      reasons.push(reason);
    },
  };
  const a = await joined(channel);
  a.server.handleIn(inMessage("bye", "2"));
  t.deepEqual(wire(a.host), [
    ["2", "reply:ok", { bye: true }],
    [JOIN_REF, "phx_close", {}],
  ]);
  t.true(a.server.closed);
  t.deepEqual(a.host.ended, [a.server], "the connection is told the channel ended");
  const b = await joined(channel);
  b.server.handleIn(inMessage("plain", "2"));
  t.deepEqual(wire(b.host), [[JOIN_REF, "phx_close", {}]], "stop() without a reply sends only phx_close");
  t.deepEqual(reasons, ["shutdown", "normal"]);
});

test("a handleIn that throws, rejects or returns a non-result crashes only this channel: phx_error, then silence", async (t) => {
  const handlers: NonNullable<Channel["handleIn"]>[] = [
    () => {
      throw new Error("boom");
    },
    async () => {
      throw new Error("async boom");
    },
    () => ({ type: "bogus" }) as never,
  ];
  for (const handleIn of handlers) {
    const reasons: string[] = [];
    const { server, host } = await joined({
      join: () => ok(),
      handleIn,
      terminate: (reason) => {
        reasons.push(reason);
      },
    });
    server.handleIn(inMessage("x", "2"));
    await settle();
    t.deepEqual(wire(host), [[JOIN_REF, "phx_error", { reason: "channel_crash" }]]);
    t.true(server.closed);
    t.deepEqual(reasons, ["crash"]);
    t.is(host.errors[0]?.msg, "channel crashed");
    server.handleIn(inMessage("x", "3"));
    server.deliver({ topic: "room:1", event: "b", payload: {} }, new FastlaneCache({ topic: "room:1", event: "b", payload: {} }));
    await settle();
    t.is(host.out.length, 1, "a closed channel sends nothing more");
    t.is(host.frames.length, 0);
  }
});

test("a reply the connection cannot encode crashes the channel instead of throwing to the caller", async (t) => {
  const { server, host } = await joined({ join: () => ok(), handleIn: () => ok({ big: true }) });
  host.failOutbound = (m) => "kind" in m;
  t.notThrows(() => server.handleIn(inMessage("x", "2")));
  t.true(server.closed);
  t.deepEqual(wire(host), [[JOIN_REF, "phx_error", { reason: "channel_crash" }]]);
});

// broadcasts

test("deliver: a plain broadcast goes out as the shared fastlane frame; an intercepted one runs handleOut", async (t) => {
  const seen: unknown[] = [];
  const { server, host } = await joined({
    join: () => ok(),
    intercepts: ["shout"],
    handleOut(event, payload, socket) {
      seen.push(event);
      socket.push(event, { ...(payload as object), loud: true });
    },
  });
  const plain: Broadcast = { topic: "room:1", event: "msg", payload: { a: 1 } };
  const lane = new FastlaneCache(plain);
  const before = serializer.fastlaneCalls;
  server.deliver(plain, lane);
  t.is(serializer.fastlaneCalls, before + 1);
  t.deepEqual(host.frames, [{ frame: { opcode: "text", data: "fastlane:msg" }, shared: true }]);
  t.is(host.frames[0]!.frame, lane.frameFor(serializer), "the lane's own frame object");
  t.deepEqual(seen, []);
  const shout: Broadcast = { topic: "room:1", event: "shout", payload: { b: 2 } };
  server.deliver(shout, new FastlaneCache(shout));
  t.deepEqual(seen, ["shout"]);
  t.deepEqual(wire(host), [[null, "shout", { b: 2, loud: true }]]);
  t.is(host.frames.length, 1, "an intercepted broadcast does not use the fastlane");
});

test("an intercepted event without handleOut is pushed as it is; handleOut may drop it or stop the channel", async (t) => {
  const a = await joined({ join: () => ok(), intercepts: ["shout"] });
  const shout: Broadcast = { topic: "room:1", event: "shout", payload: { b: 2 } };
  a.server.deliver(shout, new FastlaneCache(shout));
  t.deepEqual(wire(a.host), [[null, "shout", { b: 2 }]]);

  const b = await joined({ join: () => ok(), intercepts: ["shout", "quit"], handleOut: (event) => (event === "quit" ? stop("quit") : noreply()) });
  b.server.deliver(shout, new FastlaneCache(shout));
  t.deepEqual(b.host.out, [], "noreply from handleOut sends nothing");
  const quit: Broadcast = { topic: "room:1", event: "quit", payload: {} };
  b.server.deliver(quit, new FastlaneCache(quit));
  t.deepEqual(wire(b.host), [[JOIN_REF, "phx_close", {}]]);
});

test("broadcast and broadcastFrom go to the connection, broadcastFrom naming this channel as the one to skip", async (t) => {
  const { server, host } = await joined({
    join: () => ok(),
    handleIn(event, payload, socket) {
      if (event === "all") socket.broadcast("m", payload);
      else socket.broadcastFrom("m", payload);
      return noreply();
    },
  });
  server.handleIn(inMessage("all", "2", { x: 1 }));
  server.handleIn(inMessage("from", "3", { x: 2 }));
  t.deepEqual(host.broadcasts, [
    { broadcast: { topic: "room:1", event: "m", payload: { x: 1 } }, from: undefined },
    { broadcast: { topic: "room:1", event: "m", payload: { x: 2 } }, from: server },
  ]);
});

test("a broadcast before the channel is joined is not delivered", (t) => {
  const host = fakeHost();
  const server = new ChannelServer(host, { join: () => ok() }, joinMessage());
  const b: Broadcast = { topic: "room:1", event: "msg", payload: {} };
  server.deliver(b, new FastlaneCache(b));
  t.deepEqual(host.frames, []);
});

// mailbox

test("the mailbox runs callbacks one at a time in arrival order, holding later events behind an async one", async (t) => {
  const gate = deferred();
  const log: string[] = [];
  const { server, host } = await joined({
    join: () => ok(),
    async handleIn(event) {
      log.push(`start ${event}`);
      if (event === "slow") await gate.promise;
      log.push(`end ${event}`);
      return ok({ event });
    },
    handleInfo(message) {
      log.push(`info ${String(message)}`);
    },
  });
  server.handleIn(inMessage("slow", "2"));
  server.handleIn(inMessage("fast", "3"));
  server.info("tick"); // socket.sendInfo

  await settle();
  t.deepEqual(log, ["start slow"], "nothing else runs while the slow callback is pending");
  t.deepEqual(host.out, []);
  gate.resolve();
  await settle();
  t.deepEqual(log, ["start slow", "end slow", "start fast", "end fast", "info tick"]);
  t.deepEqual(wire(host), [
    ["2", "reply:ok", { event: "slow" }],
    ["3", "reply:ok", { event: "fast" }],
  ]);
});

test("a full mailbox tells the connection it is flooded and drops the task", async (t) => {
  const gate = deferred();
  const handled: string[] = [];
  const { server, host } = await joined(
    {
      join: () => ok(),
      async handleIn(event) {
        if (event === "slow") await gate.promise;
        handled.push(event);
        return noreply();
      },
    },
    fakeHost(2),
  );
  server.handleIn(inMessage("slow", "2"));
  server.handleIn(inMessage("q1", "3"));
  server.handleIn(inMessage("q2", "4"));
  t.is(host.floods, 0, "two waiting tasks fit");
  server.handleIn(inMessage("q3", "5"));
  t.is(host.floods, 1);
  gate.resolve();
  await settle();
  t.deepEqual(handled, ["slow", "q1", "q2"]);
});

test("a leave waits behind running callbacks, then replies ok and sends phx_close", async (t) => {
  const gate = deferred();
  const reasons: string[] = [];
  const { server, host } = await joined({
    join: () => ok(),
    async handleIn() {
      await gate.promise;
      return ok({ done: true });
    },
    terminate: (reason) => {
      reasons.push(reason);
    },
  });
  server.handleIn(inMessage("slow", "2"));
  server.leave("3");
  await settle();
  t.deepEqual(host.out, []);
  gate.resolve();
  await settle();
  t.deepEqual(wire(host), [
    ["2", "reply:ok", { done: true }],
    ["3", "reply:ok", {}],
    [JOIN_REF, "phx_close", {}],
  ]);
  t.deepEqual(reasons, ["left"]);
});

// terminate

test("terminate runs once, with the shutdown reason, and tells the client nothing", async (t) => {
  for (const reason of ["closed", "duplicate_join"]) {
    const reasons: string[] = [];
    const { server, host } = await joined({
      join: () => ok(),
      terminate: (r) => {
        reasons.push(r);
      },
    });
    server.shutdown(reason);
    server.shutdown("again");
    server.leave("9");
    await settle();
    t.deepEqual(reasons, [reason]);
    t.deepEqual(host.out, [], "a shutdown sends no phx_close");
    t.deepEqual(host.ended, [server], "the connection hears of the end once");
  }
});

test("a channel that never joined is not terminated; a terminate that throws or rejects is logged", async (t) => {
  const reasons: string[] = [];
  const host = fakeHost();
  const server = new ChannelServer(
    host,
    {
      join: () => ok(),
      terminate: (r) => {
        reasons.push(r);
      },
    },
    joinMessage(),
  );
  await server.join({});
  server.shutdown("closed");
  t.deepEqual(reasons, [], "terminate is for joined channels only");

  for (const terminate of [
    () => {
      throw new Error("t");
    },
    async () => {
      throw new Error("t async");
    },
  ]) {
    const j = await joined({ join: () => ok(), terminate });
    t.notThrows(() => j.server.leave("2"));
    await settle();
    t.deepEqual(
      wire(j.host),
      [
        ["2", "reply:ok", {}],
        [JOIN_REF, "phx_close", {}],
      ],
      "the client still gets the close",
    );
    t.is(j.host.errors[0]?.msg, "channel terminate failed");
  }
});
