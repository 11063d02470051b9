// Admission control, rate limits and drain as real clients see them, over
// WebSocket and LongPoll.
import test, { type ExecutionContext } from "ava";
import { request } from "node:http";
import { Endpoint, defineSocket, ok, silentLogger, type EndpointOptions, type RateLimit } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { longpoll } from "@fawkes/longpoll";
import { httpJson } from "@fawkes/longpoll/testing";
import { websocket } from "@fawkes/websocket";
import type { ClientConnection } from "@fawkes/websocket/testing";
import { timeCloses, ws } from "./drain-clients.js";

async function serve(t: ExecutionContext, options: EndpointOptions = {}, messageRate?: RateLimit): Promise<{ url: string; endpoint: Endpoint }> {
  const socket = defineSocket({
    serializers: [jsonV2],
    checkOrigin: false,
    ...(messageRate === undefined ? {} : { messageRate }),
    connect(params, s) {
      if (typeof params.id === "string") s.assign("id", params.id);
      return true;
    },
    id: (s) => (typeof s.assigns.id === "string" ? s.assigns.id : null),
  })
    .transport("websocket", websocket())
    .transport("longpoll", longpoll({ secret: "limits-on-the-wire-secret-0123456789" }))
    .channel("room:*", { join: () => ok() });
  const endpoint = new Endpoint({ logger: silentLogger, ...options }).socket("/socket", socket);
  const port = await endpoint.listen(0, "127.0.0.1");
  t.teardown(() => endpoint.close());
  return { url: `http://127.0.0.1:${port}`, endpoint };
}

/** A raw upgrade request: the HTTP answer when the server refuses it. */
function upgrade(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> } | "upgraded"> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/socket/websocket?vsn=2.0.0`, {
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
    });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve("upgraded");
    });
    req.on("error", reject);
    req.end();
  });
}

const text = (m: unknown[]) => ({ opcode: "text" as const, data: JSON.stringify(m) });
const read = async (c: ClientConnection) => {
  const f = await c.receive(5000);
  return JSON.parse(f.opcode === "text" ? f.data : "null") as unknown[];
};

test("WebSocket: a full node answers HTTP 503 with Retry-After before the upgrade; a freed slot is served", async (t) => {
  const { url, endpoint } = await serve(t, { maxConnections: 1 });
  const first = await ws(t, url);
  const refused = await upgrade(url);
  t.not(refused, "upgraded");
  if (refused === "upgraded") return;
  t.is(refused.status, 503);
  t.is(refused.headers["retry-after"], "5");
  await first.close();
  for (let i = 0; i < 200 && endpoint.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(await upgrade(url), "upgraded");
});

test("LongPoll: a full node answers {status: 500, code, retryAfter} (what the official client retries with backoff) and Retry-After", async (t) => {
  const { url } = await serve(t, { maxConnections: 1 });
  const opened = await httpJson("GET", `${url}/socket/longpoll?vsn=2.0.0`);
  t.is(opened.body?.status, 410);
  const refused = await httpJson("GET", `${url}/socket/longpoll?vsn=2.0.0`);
  t.deepEqual(refused.body, { status: 500, code: "ERR_TOO_MANY_CONNECTIONS", retryAfter: 5 });
  t.is(refused.headers["retry-after"], "5");
});

test("WebSocket and LongPoll: too many new connections a second answer 503 / 500 with ERR_CONNECT_RATE", async (t) => {
  const { url } = await serve(t, { connectRate: { perSecond: 0.001, burst: 1 } });
  await ws(t, url);
  const refused = await upgrade(url);
  t.like(refused, { status: 503, headers: { "retry-after": "1" } });
  t.deepEqual((await httpJson("GET", `${url}/socket/longpoll?vsn=2.0.0`)).body, { status: 500, code: "ERR_CONNECT_RATE", retryAfter: 1 });
});

test("WebSocket: a flooding client gets rate limited replies, then close 1008 ERR_RATE_LIMITED; a bystander is served", async (t) => {
  const { url } = await serve(t, {}, { perSecond: 0.001, burst: 3 });
  const flooder = await ws(t, url);
  const bystander = await ws(t, url);
  for (let i = 1; i <= 20; i++) flooder.send(text([null, String(i), "phoenix", "heartbeat", {}]));
  const replies: unknown[] = [];
  for (let i = 0; i < 6; i++) replies.push((await read(flooder))[4]);
  t.deepEqual(replies.slice(0, 3), Array(3).fill({ status: "ok", response: {} }));
  t.deepEqual(replies.slice(3), Array(3).fill({ status: "error", response: { reason: "rate limited" } }));
  t.deepEqual(await flooder.closed, { code: 1008, reason: "ERR_RATE_LIMITED" });
  bystander.send(text([null, "1", "phoenix", "heartbeat", {}]));
  t.deepEqual(await read(bystander), [null, "1", "phoenix", "phx_reply", { status: "ok", response: {} }]);
});

test("drain over WebSocket: clients see 1012, in batches, and new upgrades get 503 meanwhile", async (t) => {
  const { url, endpoint } = await serve(t);
  const clients = await Promise.all(Array.from({ length: 4 }, () => ws(t, url)));
  const { closes, closedAt } = timeCloses(clients);
  const draining = endpoint.drain({ batchSize: 2, intervalMs: 200 });
  t.like(await upgrade(url), { status: 503 });
  await draining;
  for (const info of await Promise.all(closes)) t.deepEqual(info, { code: 1012, reason: "draining" });
  closedAt.sort((a, b) => a - b);
  t.true(closedAt[3]! >= 200, `the second batch waited an interval: ${closedAt.join(", ")}`);
});

test("the official LongPoll client, refused by a full node, retries with its reconnect backoff and gets in once a slot frees", async (t) => {
  const { Socket, LongPoll } = await import("phoenix");
  const { url, endpoint } = await serve(t, { maxConnections: 1 });
  const holder = await httpJson("GET", `${url}/socket/longpoll?vsn=2.0.0&id=holder`);
  t.is(holder.body?.status, 410);
  const tries: number[] = [];
  const socket = new Socket(`${url}/socket`, {
    transport: LongPoll,
    reconnectAfterMs: (n: number) => {
      tries.push(n);
      return 30;
    },
    timeout: 3000,
  });
  t.teardown(() => socket.disconnect());
  const opened = new Promise<void>((resolve) => socket.onOpen(() => resolve()));
  socket.connect();
  for (let i = 0; i < 300 && tries.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  t.true(tries.length >= 3, `the client kept retrying (${tries.length} tries)`);
  endpoint.broadcast("holder", "disconnect", {}); // frees the slot
  await opened;
  t.is(endpoint.connectionCount, 1, "the client holds the freed slot");
});
