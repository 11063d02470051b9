import test from "ava";
import { WebSocket } from "ws";
import { websocket } from "@fawkes/websocket";
import { call, eventually, open, replyTo, startServer } from "./helpers.js";

const heartbeat = (ref: string) => [null, ref, "phoenix", "heartbeat", {}];

async function rawClient(t: { teardown(fn: () => void): void }, port: number, path = "/socket/websocket"): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}?vsn=2.0.0`);
  t.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
}

test("a frame over maxFrameSize closes that connection with 1009; another keeps working", async (t) => {
  const server = await startServer(t, { websocket: websocket({ maxFrameSize: 1024 }) });
  const other = await open(t, server);
  const big = await rawClient(t, server.port);
  big.on("error", () => {});
  const closed = closeOf(big);
  big.send(JSON.stringify([null, "1", "room:a", "echo", { body: "x".repeat(2000) }]));
  t.is((await closed).code, 1009);
  t.deepEqual((await call(other, heartbeat("7")))[1], "7");
  t.true(await eventually(() => server.endpoint.connectionCount === 1));
});

test("invalid UTF-8 in a text frame closes that connection with 1007; others are unaffected", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const other = await open(t, server);
  const bad = await rawClient(t, server.port);
  bad.on("error", () => {});
  const closed = closeOf(bad);
  bad.send(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { binary: false });
  t.is((await closed).code, 1007);
  t.deepEqual((await call(other, heartbeat("8")))[1], "8");
});

test("a frame the serializer cannot read closes that connection with 1007", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const other = await open(t, server);
  const bad = await open(t, server);
  bad.send({ opcode: "text", data: "{not json" });
  t.is((await bad.closed).code, 1007);
  t.deepEqual((await call(other, heartbeat("9")))[1], "9");
});

test("a binary frame on a V1 (vsn 1.0.0) connection closes it with 1007 ERR_BINARY_UNSUPPORTED; others are unaffected", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const other = await open(t, server);
  const v1 = await open(t, server, { params: { vsn: "1.0.0" } });
  v1.send({ opcode: "binary", data: new Uint8Array([0, 1, 2]) });
  t.deepEqual(await v1.closed, { code: 1007, reason: "ERR_BINARY_UNSUPPORTED" });
  t.deepEqual((await call(other, heartbeat("v1")))[1], "v1");
});

test("an idle connection is closed with 1001 after timeout; a heartbeating one stays", async (t) => {
  const server = await startServer(t, { websocket: websocket({ timeout: 200 }) });
  const started = Date.now();
  const idle = await open(t, server);
  const busy = await open(t, server);
  let ref = 0;
  const beat = setInterval(() => {
    busy.send({ opcode: "text", data: JSON.stringify(heartbeat(String(++ref))) });
  }, 50);
  t.teardown(() => clearInterval(beat));
  const closed = await idle.closed;
  t.is(closed.code, 1001);
  t.true(Date.now() - started >= 190, "not before the timeout");
  await new Promise((r) => setTimeout(r, 150));
  clearInterval(beat);
  busy.send({ opcode: "text", data: JSON.stringify(heartbeat("last")) });
  t.deepEqual((await replyTo(busy, "last"))[4], { status: "ok", response: {} });
});

test("a client that stops reading is closed with 1008 ERR_SLOW_CONSUMER and server memory stays bounded", async (t) => {
  const server = await startServer(t, { websocket: websocket({ maxBufferedBytes: 256 * 1024 }) });
  const slow = await rawClient(t, server.port);
  slow.send(JSON.stringify(["1", "1", "room:flood", "phx_join", {}]));
  await new Promise((resolve) => slow.once("message", resolve));
  slow.pause(); // stop reading: the kernel buffers fill, then the server's
  const closed = closeOf(slow);
  const body = "y".repeat(64 * 1024);
  const before = process.memoryUsage();
  // Up to 48 MiB of broadcasts, in batches; stops as soon as the server lets go.
  for (let i = 0; i < 768 && server.endpoint.connectionCount > 0; i++) {
    server.endpoint.broadcast("room:flood", "flood", { i, body });
    if (i % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  const after = process.memoryUsage();
  t.is(server.endpoint.connectionCount, 0, "the server dropped the slow connection");
  const grown = after.external + after.arrayBuffers - (before.external + before.arrayBuffers);
  t.true(grown < 24 * 1024 * 1024, `buffers grew by ${grown} bytes`);
  slow.resume();
  const { code, reason } = await closed;
  t.is(code, 1008);
  t.is(reason, "ERR_SLOW_CONSUMER");
});

test("one package serves several named transports with their own options", async (t) => {
  const server = await startServer(t, {
    websocket: websocket(),
    websocket_slow_clients: websocket({ timeout: 150 }),
  });
  const normal = await open(t, server);
  const slowClients = await open(t, server, { path: "/socket/websocket_slow_clients" });
  t.is(server.seen[1]?.info.transport, "websocket_slow_clients");
  t.is((await slowClients.closed).code, 1001);
  t.deepEqual((await call(normal, heartbeat("n")))[1], "n");
});
