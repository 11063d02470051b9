import test from "ava";
import { WebSocket } from "ws";
import { websocket } from "@fawkes/websocket";
import { startServer } from "./helpers.js";
import { WireFrames } from "../dist/wire-frames.js";

/** The test's own client sockets: every other WebSocket in this process is server-side. */
const clients = new WeakSet<WebSocket>();

/** Counts server-side `ws.send` calls (the slow path) while a test runs. */
function countServerSends(): { readonly count: number; restore(): void } {
  const original = WebSocket.prototype.send;
  const counter = {
    count: 0,
    restore: () => {
      WebSocket.prototype.send = original;
    },
  };
  WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket["send"]>) {
    if (!clients.has(this)) counter.count++;
    return original.apply(this, args);
  } as WebSocket["send"];
  return counter;
}

interface Received {
  binary: boolean;
  data: Buffer;
}

async function joinedClient(
  t: { teardown(fn: () => void): void },
  port: number,
  topic: string,
  perMessageDeflate = true,
): Promise<{ ws: WebSocket; inbox: Received[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket/websocket?vsn=2.0.0`, { perMessageDeflate });
  clients.add(ws);
  t.teardown(() => ws.terminate());
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const inbox: Received[] = [];
  ws.on("message", (data: Buffer, binary: boolean) => inbox.push({ binary, data }));
  ws.send(JSON.stringify(["1", "1", topic, "phx_join", {}]));
  while (inbox.length === 0) await new Promise((r) => setTimeout(r, 5));
  inbox.length = 0;
  return { ws, inbox };
}

async function waitFor(inbox: Received[], count: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (inbox.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

const text = (r: Received) => {
  if (r.binary) throw new Error("expected text");
  return JSON.parse(r.data.toString()) as unknown[];
};

for (const compress of [false, true]) {
  const path = compress ? "ws.send (compress on)" : "the shared-frame fast path";
  test.serial(`${path}: text broadcasts, pushes and the reply arrive intact and in order, many in one tick`, async (t) => {
    const server = await startServer(t, { websocket: websocket({ compress }) });
    const sender = await joinedClient(t, server.port, "room:fan");
    const others = [await joinedClient(t, server.port, "room:fan"), await joinedClient(t, server.port, "room:fan")];
    const sends = countServerSends();
    t.teardown(() => sends.restore());
    const count = 200;
    sender.ws.send(JSON.stringify(["1", "2", "room:fan", "mixed", { count }]));
    await waitFor(sender.inbox, 2 * count + 1);
    for (const other of others) await waitFor(other.inbox, count);
    sends.restore();
    const expected: unknown[][] = [];
    for (let i = 0; i < count; i++) expected.push([null, null, "room:fan", "b", { i }], ["1", null, "room:fan", "p", { i }]);
    expected.push(["1", "2", "room:fan", "phx_reply", { status: "ok", response: { mixed: count } }]);
    t.deepEqual(sender.inbox.map(text), expected);
    for (const other of others)
      t.deepEqual(
        other.inbox.map(text),
        expected.filter((m) => m[3] === "b"),
      );
    if (compress) t.true(sends.count > 0, "compression goes through ws.send");
    else t.is(sends.count, 0, "no server frame went through ws.send");
  });

  test.serial(`${path}: binary broadcasts and pushes arrive as correct binary frames`, async (t) => {
    const server = await startServer(t, { websocket: websocket({ compress }) });
    const sender = await joinedClient(t, server.port, "room:bin");
    const other = await joinedClient(t, server.port, "room:bin");
    const count = 100;
    sender.ws.send(JSON.stringify(["1", "2", "room:bin", "mixed", { count, binary: true }]));
    await waitFor(sender.inbox, 2 * count + 1);
    await waitFor(other.inbox, count);
    const broadcast = (i: number) => Buffer.from([2, 8, 1, ...Buffer.from("room:bin"), ...Buffer.from("b"), i, 1, 2, 3]);
    const push = (i: number) => Buffer.from([0, 1, 8, 1, ...Buffer.from("1"), ...Buffer.from("room:bin"), ...Buffer.from("p"), i, 9]);
    const expected: Received[] = [];
    for (let i = 0; i < count; i++) expected.push({ binary: true, data: broadcast(i) }, { binary: true, data: push(i) });
    t.deepEqual(sender.inbox.slice(0, 2 * count), expected);
    t.deepEqual(text(sender.inbox[2 * count]!)[4], { status: "ok", response: { mixed: count } });
    t.deepEqual(
      other.inbox,
      expected.filter((r) => r.data[0] === 2),
    );
  });
}

test.serial("compress on, but a client that does not offer permessage-deflate gets the direct path", async (t) => {
  const server = await startServer(t, { websocket: websocket({ compress: true }) });
  const plain = await joinedClient(t, server.port, "room:plain", false);
  const deflating = await joinedClient(t, server.port, "room:plain", true);
  t.is(plain.ws.extensions, "");
  t.is(deflating.ws.extensions, "permessage-deflate");
  const sends = countServerSends();
  t.teardown(() => sends.restore());
  const count = 50;
  plain.ws.send(JSON.stringify(["1", "2", "room:plain", "mixed", { count }]));
  await waitFor(plain.inbox, 2 * count + 1);
  await waitFor(deflating.inbox, count);
  sends.restore();
  t.is(plain.inbox.length, 2 * count + 1);
  t.deepEqual(text(plain.inbox[2 * count]!)[4], { status: "ok", response: { mixed: count } });
  t.deepEqual(
    deflating.inbox.map(text),
    Array.from({ length: count }, (_, i) => [null, null, "room:plain", "b", { i }]),
  );
  t.is(sends.count, count, "only the deflating client's frames went through ws.send");
});

test("the fast path keeps its order with replies to a client that sends many messages in one go", async (t) => {
  const server = await startServer(t, { websocket: websocket() });
  const client = await joinedClient(t, server.port, "room:echo");
  const count = 300;
  for (let i = 0; i < count; i++) client.ws.send(JSON.stringify(["1", String(i), "room:echo", "echo", { i, s: "é".repeat(i) }]));
  await waitFor(client.inbox, count);
  t.deepEqual(
    client.inbox.map((r) => text(r)[1]),
    Array.from({ length: count }, (_, i) => String(i)),
  );
  t.deepEqual(text(client.inbox[count - 1]!)[4], { status: "ok", response: { i: count - 1, s: "é".repeat(count - 1) } });
});

test("wire bytes are built once per broadcast frame, with the right length encodings", (t) => {
  const wire = new WireFrames();
  const small = { opcode: "text", data: "hello" } as const;
  t.is(wire.get(small), wire.get(small));
  const other = { opcode: "text", data: "x".repeat(200) } as const;
  wire.get(other);
  t.is(wire.get(small), wire.get(small), "two frames alternating (two serializers) stay built");
  t.deepEqual(wire.get(small), Buffer.from([0x81, 5, ...Buffer.from("hello")]));
  t.deepEqual(wire.get(other).subarray(0, 4), Buffer.from([0x81, 126, 0, 200]));
  t.deepEqual(wire.get({ opcode: "text", data: "é".repeat(63) }).subarray(0, 2), Buffer.from([0x81, 126]), "length counts UTF-8 bytes");
  const big = { opcode: "binary", data: new Uint8Array(70_000).fill(7) } as const;
  const bytes = wire.get(big);
  t.deepEqual(bytes.subarray(0, 10), Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]));
  t.is(bytes.length, 10 + 70_000);
  t.is(bytes[bytes.length - 1], 7);
});
