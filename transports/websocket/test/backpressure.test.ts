// The slow-consumer policy on WebSocket: a burst passes the soft limit for fast
// readers too and must not cut them off; a reader that stays behind is cut off
// after the grace period, and one past the hard ceiling at once.
import test from "ava";
import { WebSocket } from "ws";
import { silentLogger } from "@fawkes/core";
import { websocket } from "@fawkes/websocket";
import { WebSocketConnection } from "../dist/websocket-connection.js";
import { CorkBatch, WireFrames } from "../dist/wire-frames.js";
import { call, eventually, open, openRawClient, startServer, type TestServer } from "./helpers.js";

const heartbeat = (ref: string) => [null, ref, "phoenix", "heartbeat", {}];
const MiB = 1024 * 1024;

interface Subscriber {
  ws: WebSocket;
  received: number[];
  closed: Promise<{ code: number; reason: string }>;
}

/** A raw ws client joined to `topic`; records the `i` of every `b` broadcast it reads. */
async function subscriber(t: { teardown(fn: () => void): void }, server: TestServer, topic: string): Promise<Subscriber> {
  const { ws, closed } = await openRawClient(t, server);
  ws.send(JSON.stringify(["1", "1", topic, "phx_join", {}]));
  await new Promise((resolve) => ws.once("message", resolve)); // the join reply
  const received: number[] = [];
  ws.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString()) as [unknown, unknown, string, string, { i: number }];
    if (message[3] === "b") received.push(message[4].i);
  });
  return { ws, received, closed };
}

/** `count` broadcasts of `size` bytes each to `topic`, all in this tick. */
function burst(server: TestServer, topic: string, count: number, size: number): void {
  const body = "x".repeat(size);
  for (let i = 0; i < count; i++) server.endpoint.broadcast(topic, "b", { i, body });
}

test("a 6 MiB burst in one tick: fast readers get all of it and stay; a paused reader is cut off with 1008 ERR_SLOW_CONSUMER after the grace period", async (t) => {
  const grace = 400;
  const server = await startServer(t, { websocket: websocket({ slowConsumerGraceMs: grace }) }); // default 4 MiB soft, 16 MiB hard
  const fast = [await subscriber(t, server, "room:burst"), await subscriber(t, server, "room:burst"), await subscriber(t, server, "room:burst")];
  const paused = await subscriber(t, server, "room:burst");
  paused.ws.pause();
  const count = 96;
  const started = Date.now();
  burst(server, "room:burst", count, 64 * 1024); // 6 MiB to each subscriber, above the soft limit for every one of them
  const everything = Array.from({ length: count }, (_, i) => i);
  t.true(await eventually(() => fast.every((f) => f.received.length === count), 10_000), "every fast reader got the whole burst");
  for (const f of fast) t.deepEqual(f.received, everything);
  t.true(await eventually(() => server.endpoint.connectionCount === 3, 10_000), "the paused reader was cut off");
  t.true(Date.now() - started >= grace, "not before the grace period");
  for (const [n, f] of fast.entries()) {
    t.is(f.ws.readyState, WebSocket.OPEN);
    f.ws.send(JSON.stringify(heartbeat(`hb${n}`)));
  }
  paused.ws.resume();
  const { code, reason } = await paused.closed;
  t.is(code, 1008);
  t.is(reason, "ERR_SLOW_CONSUMER");
  t.is(server.endpoint.connectionCount, 3, "the fast readers are still connected");
});

test("passing hardMaxBufferedBytes cuts a connection off at once, without waiting for the grace period", async (t) => {
  const server = await startServer(t, { websocket: websocket({ maxBufferedBytes: 256 * 1024, hardMaxBufferedBytes: MiB, slowConsumerGraceMs: 60_000 }) });
  const bystander = await open(t, server);
  const paused = await subscriber(t, server, "room:hard");
  paused.ws.pause();
  const started = Date.now();
  burst(server, "room:hard", 32, 64 * 1024); // 2 MiB in one tick, twice the ceiling
  t.true(await eventually(() => server.endpoint.connectionCount === 1, 5000), "cut off");
  t.true(Date.now() - started < 30_000, "long before the 60 s grace period");
  paused.ws.resume();
  const { code, reason } = await paused.closed;
  t.is(code, 1008);
  t.is(reason, "ERR_SLOW_CONSUMER");
  t.true(paused.received.length < 32, `writes stopped at the ceiling (${paused.received.length} of 32 frames reached the client)`);
  t.deepEqual((await call(bystander, heartbeat("after")))[1], "after");
});

test("a reader that falls below the soft limit within the grace period is not cut off", async (t) => {
  const grace = 1500;
  const server = await startServer(t, { websocket: websocket({ maxBufferedBytes: 512 * 1024, slowConsumerGraceMs: grace }) });
  const reader = await subscriber(t, server, "room:late");
  reader.ws.pause();
  const started = Date.now();
  burst(server, "room:late", 24, 64 * 1024); // 1.5 MiB: above the soft limit, below the 2 MiB ceiling
  // The scenario, not a synchronisation: the reader is late by 200 ms, well inside the grace period.
  await new Promise((r) => setTimeout(r, 200));
  reader.ws.resume();
  t.true(await eventually(() => reader.received.length === 24, 5000));
  // No event says "not cut off": wait until the grace period is over, then check it is still served.
  await new Promise((r) => setTimeout(r, Math.max(0, grace + 200 - (Date.now() - started))));
  t.is(server.endpoint.connectionCount, 1);
  burst(server, "room:late", 1, 10);
  t.true(await eventually(() => reader.received.length === 25, 2000));
});

/** A WebSocketConnection over a fake ws whose queued bytes the test sets. */
function fakeConnection(limits: { maxBufferedBytes: number; hardMaxBufferedBytes: number; slowConsumerGraceMs: number }) {
  const socket = {
    writableLength: 0,
    destroyed: false,
    write() {
      return true;
    },
    cork() {},
    uncork() {},
  };
  const closes: { code: number; reason: string }[] = [];
  const ws = {
    readyState: 1,
    CLOSED: 3,
    extensions: "",
    get bufferedAmount() {
      return socket.writableLength;
    },
    close(code: number, reason: string) {
      closes.push({ code, reason });
      this.readyState = 2;
    },
    terminate() {},
    on() {},
  };
  const context = { wire: new WireFrames(), corks: new CorkBatch(silentLogger), backpressure: limits, log: silentLogger, name: "websocket", forget() {} };
  const connection = new WebSocketConnection(ws as never, socket as never, context);
  connection.bind({ receive() {}, closed() {} } as never);
  const frame = { opcode: "text", data: "x" } as const;
  return { socket, closes, send: () => connection.send(frame) };
}

test("the grace period counts time above the soft limit without a break: output seen below it in between starts a fresh one", async (t) => {
  const fake = fakeConnection({ maxBufferedBytes: 100, hardMaxBufferedBytes: 1000, slowConsumerGraceMs: 100 });
  const at = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // Timers fire in the order they are due, however late: the steps below cannot reorder.
  fake.socket.writableLength = 200;
  fake.send(); // above: a grace period starts, due at +100
  await at(50);
  fake.socket.writableLength = 0;
  fake.send(); // below: the client caught up
  await at(10);
  fake.socket.writableLength = 200;
  fake.send(); // above again: a fresh grace period, due at about +160
  await at(50); // about +110, after the first grace period would have ended
  t.deepEqual(fake.closes, [], "not cut off by the first grace period");
  await at(100);
  t.deepEqual(fake.closes, [{ code: 1008, reason: "ERR_SLOW_CONSUMER" }], "cut off when the second one ends above the limit");
});

test.serial("below the soft limit a send starts no timer", (t) => {
  const fake = fakeConnection({ maxBufferedBytes: 100, hardMaxBufferedBytes: 1000, slowConsumerGraceMs: 10 });
  const original = globalThis.setTimeout;
  let started = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    started++;
    return original(...args);
  }) as typeof setTimeout;
  try {
    fake.socket.writableLength = 100;
    for (let i = 0; i < 1000; i++) fake.send();
    t.is(started, 0);
    fake.socket.writableLength = 101;
    fake.send();
    fake.send();
    t.is(started, 1, "the first send above the limit starts one, the next reuses it");
  } finally {
    globalThis.setTimeout = original;
  }
});
