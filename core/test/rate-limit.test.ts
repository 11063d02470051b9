import test from "ava";
import { FawkesError, RateLimiter, defineSocket, ok, DEFAULT_JOIN_RATE, DEFAULT_MESSAGE_RATE, type RateLimit } from "@fawkes/core";
import { jsonV2, connectMemory, memoryTransport, startMemoryEndpoint, type MemoryClient } from "./memory-transport.js";

test("the limiter: a burst, then refusals, then exceeded once a further burst was refused; the debt pays off over time", (t) => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 10, burst: 3 }, () => now);
  t.deepEqual(
    [1, 2, 3].map(() => limiter.take()),
    ["ok", "ok", "ok"],
  );
  t.deepEqual(
    [1, 2, 3].map(() => limiter.take()),
    ["refused", "refused", "refused"],
  );
  t.is(limiter.take(), "exceeded");
  now += 100; // one token earned, and one unit of debt paid off
  t.is(limiter.take(), "ok");
  now += 10_000; // a quiet spell: the whole burst is back and the debt is gone
  t.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take()),
    ["ok", "ok", "ok", "refused"],
  );
});

test("a client a little over the rate is refused now and then but never closed", (t) => {
  let now = 0;
  const limiter = new RateLimiter({ perSecond: 100, burst: 10 }, () => now);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    now += 1000 / 150;
    seen.add(limiter.take());
  } // 1.5x the rate for 13 s
  t.deepEqual([...seen].sort(), ["ok", "refused"]);
});

test("rate options are checked; defaults are documented values", (t) => {
  for (const bad of [
    { perSecond: 0, burst: 1 },
    { perSecond: 0.001, burst: 0 },
    { perSecond: Number.NaN, burst: 2 },
  ] as RateLimit[]) {
    t.is(t.throws(() => defineSocket({ serializers: [jsonV2], messageRate: bad }), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
    t.is(t.throws(() => defineSocket({ serializers: [jsonV2], joinRate: bad }), { instanceOf: FawkesError })?.code, "ERR_BAD_OPTION");
  }
  const socket = defineSocket({ serializers: [jsonV2] });
  t.deepEqual(socket.messageRate, DEFAULT_MESSAGE_RATE);
  t.deepEqual(socket.joinRate, DEFAULT_JOIN_RATE);
  t.deepEqual(DEFAULT_MESSAGE_RATE, { perSecond: 5000, burst: 10_000 });
  t.deepEqual(DEFAULT_JOIN_RATE, { perSecond: 20, burst: 100 });
  t.is(defineSocket({ serializers: [jsonV2], messageRate: false, joinRate: false }).messageRate, false);
});

async function setup(options: { messageRate?: RateLimit | false; joinRate?: RateLimit | false }) {
  const transport = memoryTransport();
  const socket = defineSocket({ serializers: [jsonV2], ...options })
    .transport("memory", transport)
    .channel("room:*", { join: () => ok(), handleIn: () => ok({}) });
  await startMemoryEndpoint(socket, transport);
  return async (): Promise<MemoryClient> => {
    const c = await connectMemory(transport);
    if (!("inbox" in c)) throw new Error(`refused ${c.code}`);
    return c;
  };
}

const heartbeat = (c: MemoryClient, ref: number) => c.send([null, String(ref), "phoenix", "heartbeat", {}]);

test("messages over the rate get an error reply; a client that keeps going is closed 1008 ERR_RATE_LIMITED; others unaffected", async (t) => {
  const connect = await setup({ messageRate: { perSecond: 0.001, burst: 5 } });
  const flooder = await connect();
  const bystander = await connect();
  for (let i = 1; i <= 5; i++) heartbeat(flooder, i);
  heartbeat(flooder, 6);
  const inbox = await flooder.waitFor(6);
  t.deepEqual(
    inbox.slice(0, 5).map((m) => (m[4] as { status: string }).status),
    ["ok", "ok", "ok", "ok", "ok"],
  );
  t.deepEqual(inbox[5], [null, "6", "phoenix", "phx_reply", { status: "error", response: { reason: "rate limited" } }]);
  t.is(flooder.closedWith, undefined, "the first excess is only refused");
  for (let i = 7; i <= 10; i++) heartbeat(flooder, i);
  t.is(flooder.closedWith, undefined, "a burst's worth of refusals is tolerated");
  heartbeat(flooder, 11);
  t.deepEqual(flooder.closedWith, { code: 1008, reason: "ERR_RATE_LIMITED" });
  t.is(flooder.inbox.length, 10, "every refused message before the close was answered");
  heartbeat(bystander, 1);
  t.deepEqual((await bystander.waitFor(1))[0], [null, "1", "phoenix", "phx_reply", { status: "ok", response: {} }]);
});

test("refused pushes on a joined channel carry its join_ref, so the client's push gets its answer", async (t) => {
  const connect = await setup({ messageRate: { perSecond: 0.001, burst: 2 } });
  const c = await connect();
  c.send(["1", "1", "room:1", "phx_join", {}]);
  c.send(["1", "2", "room:1", "anything", {}]);
  c.send(["1", "3", "room:1", "anything", {}]);
  t.deepEqual((await c.waitFor(3))[2], ["1", "3", "room:1", "phx_reply", { status: "error", response: { reason: "rate limited" } }]);
});

test("joins over the join rate are refused with rate limited; other messages still flow; a join flood is closed", async (t) => {
  const connect = await setup({ joinRate: { perSecond: 0.001, burst: 2 } });
  const c = await connect();
  c.send(["1", "1", "room:1", "phx_join", {}]);
  c.send(["2", "2", "room:2", "phx_join", {}]);
  c.send(["3", "3", "room:3", "phx_join", {}]);
  c.send(["1", "4", "room:1", "anything", {}]);
  const inbox = await c.waitFor(4);
  t.deepEqual(
    inbox.slice(0, 2).map((m) => (m[4] as { status: string }).status),
    ["ok", "ok"],
  );
  t.deepEqual(inbox[2], ["3", "3", "room:3", "phx_reply", { status: "error", response: { reason: "rate limited" } }]);
  t.deepEqual(inbox[3], ["1", "4", "room:1", "phx_reply", { status: "ok", response: {} }]);
  c.send(["4", "5", "room:4", "phx_join", {}]);
  t.is(c.closedWith, undefined);
  c.send(["5", "6", "room:5", "phx_join", {}]);
  t.deepEqual(c.closedWith, { code: 1008, reason: "ERR_RATE_LIMITED" });
});

test("messageRate: false and joinRate: false turn the limits off", async (t) => {
  const connect = await setup({ messageRate: false, joinRate: false });
  const c = await connect();
  for (let i = 1; i <= 300; i++) c.send([String(i), String(i), `room:${i % 150}`, "phx_join", {}]);
  const inbox = await c.waitFor(300);
  t.false(inbox.some((m) => (m[4] as { response?: { reason?: string } }).response?.reason === "rate limited"));
  t.is(c.closedWith, undefined);
});
