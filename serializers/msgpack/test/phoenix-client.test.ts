import test from "ava";
import { jsonV2 } from "@fawkes/json";
import { msgpackV2, MSGPACK_VSN } from "@fawkes/msgpack";
import { msgpackCodec, encode, decode } from "@fawkes/msgpack/client";
import { closeCode, disconnect, join, next, phoenixSocket, push, startServer, upgradeStatus } from "./phoenix-harness.js";

const CHAT = { user: "alice", body: "hello there", ts: 1732560000 };

test("phoenix client with the msgpack codec: join, push/reply, push from server, broadcast", async (t) => {
  const server = await startServer([msgpackV2, jsonV2]);
  t.teardown(() => server.close());
  const socket = phoenixSocket(server.url, msgpackCodec);
  t.teardown(() => disconnect(socket));
  const channel = socket.channel("room:lobby", { token: "abc" });

  t.deepEqual(await join(channel), { joined: "room:lobby" });
  t.deepEqual(await push(channel, "echo", { nested: { list: [1, 2.5, null, true, "é👋"] } }), { status: "ok", response: { nested: { list: [1, 2.5, null, true, "é👋"] } } });
  t.deepEqual(await push(channel, "nope", {}), { status: "error", response: { reason: "unknown event" } });

  const pushed = next(channel, "pushed");
  await push(channel, "push", CHAT);
  t.deepEqual(await pushed, CHAT);

  const broadcast = next(channel, "new_msg");
  t.is((await push(channel, "broadcast", CHAT)).status, "ok");
  t.deepEqual(await broadcast, CHAT);

  const fromServer = next(channel, "announce");
  server.endpoint.broadcast("room:lobby", "announce", { text: "hi all" });
  t.deepEqual(await fromServer, { text: "hi all" });
});

test("phoenix client with the msgpack codec: binary payloads both ways arrive as ArrayBuffer", async (t) => {
  const server = await startServer([msgpackV2]);
  t.teardown(() => server.close());
  // The plain encode/decode exports, as a user would pass them.
  const socket = phoenixSocket(server.url, { vsn: MSGPACK_VSN, encode, decode });
  t.teardown(() => disconnect(socket));
  const channel = socket.channel("room:bin");
  await join(channel);

  const bytes = new Uint8Array([0, 1, 2, 255, 128, 7]);
  const reply = await push(channel, "echo", bytes.slice().buffer);
  t.true(reply.response instanceof ArrayBuffer, "a binary reply response is an ArrayBuffer");
  t.deepEqual(new Uint8Array(reply.response as ArrayBuffer), bytes);

  const broadcast = next(channel, "new_msg");
  await push(channel, "broadcast", bytes.slice().buffer);
  const payload = await broadcast;
  t.true(payload instanceof ArrayBuffer, "a binary broadcast payload is an ArrayBuffer");
  t.deepEqual(new Uint8Array(payload as ArrayBuffer), bytes);

  const fromServer = next(channel, "blob");
  server.endpoint.broadcast("room:bin", "blob", new Uint8Array([9, 8, 7]));
  t.deepEqual(new Uint8Array((await fromServer) as ArrayBuffer), new Uint8Array([9, 8, 7]));

  // Nested bytes stay MessagePack bin, as Uint8Array, both ways.
  const nested = await push(channel, "echo", { name: "f.bin", data: new Uint8Array([1, 2]) });
  t.deepEqual(nested.response, { name: "f.bin", data: new Uint8Array([1, 2]) });
});

test("a V2 JSON client against a socket that only lists msgpack is refused with 403", async (t) => {
  const server = await startServer([msgpackV2]);
  t.teardown(() => server.close());
  t.is(await upgradeStatus(`${server.url}/websocket?vsn=2.0.0`), 403);

  const socket = phoenixSocket(server.url, { vsn: "2.0.0" });
  t.teardown(() => disconnect(socket));
  const errored = new Promise<void>((resolve) => socket.onError(() => resolve()));
  await errored;
  t.false(socket.isConnected());
  t.is(server.endpoint.connectionCount, 0);
  t.is(await upgradeStatus(`${server.url}/websocket?vsn=${MSGPACK_VSN}`), 101, "the right vsn is accepted");
});

test("a JSON codec sending vsn 2.0.0-msgpack gets a clean 1007 close, the server lives on", async (t) => {
  const server = await startServer([msgpackV2, jsonV2]);
  t.teardown(() => server.close());
  const wrong = phoenixSocket(server.url, { vsn: MSGPACK_VSN }); // phoenix's default JSON encode/decode
  t.teardown(() => disconnect(wrong));
  const closed = closeCode(wrong);
  wrong.channel("room:lobby").join();
  t.is(await closed, 1007);

  const right = phoenixSocket(server.url, msgpackCodec);
  t.teardown(() => disconnect(right));
  t.deepEqual(await join(right.channel("room:after")), { joined: "room:after" });
});
