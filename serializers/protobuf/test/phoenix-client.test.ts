import test from "ava";
import type { Frame, Serializer } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { protobufSerializer, protobufV2, PROTOBUF_VSN } from "@fawkes/protobuf";
import { protobufCodec } from "@fawkes/protobuf/client";
import { envelopeRoot } from "@fawkes/protobuf/schema";
import { chatTypes } from "./chat-types.js";
import { closeCode, disconnect, join, next, phoenixSocket, push, startServer, upgradeStatus } from "./phoenix-harness.js";

const CHAT = { user: "alice", body: "hello there", ts: 1732560000 };

test("phoenix client with the protobuf codec: join, push/reply, push from server, broadcast", async (t) => {
  const server = await startServer([protobufV2, jsonV2]);
  t.teardown(() => server.close());
  const socket = phoenixSocket(server.url, protobufCodec());
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
});

test("phoenix client with a typed protobuf codec: typed events travel as their message type both ways", async (t) => {
  const vsn = "2.0.0-protobuf+chat.1";
  const serializer = protobufSerializer({ types: chatTypes, vsn: [vsn] });
  const Envelope = envelopeRoot().lookupType("fawkes.Envelope");
  const kinds: string[] = [];
  const kindOf = (frame: Frame): string => String((Envelope.toObject(Envelope.decode(frame.data as Uint8Array), { oneofs: true }) as { payload?: string }).payload);
  // The real serializer, watched: which payload kind each new_msg frame used.
  const spy: Serializer = {
    ...serializer,
    decode(frame) { const m = serializer.decode(frame); if (m.event === "new_msg") kinds.push(`in:${kindOf(frame)}`); return m; },
    fastlane(b) { const frame = serializer.fastlane(b); kinds.push(`out:${kindOf(frame)}`); return frame; },
  };
  const server = await startServer([spy]);
  t.teardown(() => server.close());
  const socket = phoenixSocket(server.url, protobufCodec({ types: chatTypes, vsn }));
  t.teardown(() => disconnect(socket));
  const channel = socket.channel("room:typed");
  await join(channel);

  const broadcast = next(channel, "new_msg");
  t.is((await push(channel, "new_msg", CHAT)).status, "ok");
  t.deepEqual(await broadcast, CHAT);
  const untyped = next(channel, "new_msg");
  server.endpoint.broadcast("room:typed", "new_msg", { user: "bob", mood: "not in the schema" });
  t.deepEqual(await untyped, { user: "bob", mood: "not in the schema" });
  t.deepEqual(kinds, ["in:typed", "out:typed", "out:json"]);

  // A client without the schema is refused by vsn, not fed payloads it cannot read.
  t.is(await upgradeStatus(`${server.url}/websocket?vsn=${PROTOBUF_VSN}`), 403);
});

test("phoenix client with the protobuf codec: binary payloads both ways arrive as ArrayBuffer", async (t) => {
  const server = await startServer([protobufV2]);
  t.teardown(() => server.close());
  const socket = phoenixSocket(server.url, protobufCodec());
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
});

test("a V2 JSON client against a socket that only lists protobuf is refused with 403", async (t) => {
  const server = await startServer([protobufV2]);
  t.teardown(() => server.close());
  t.is(await upgradeStatus(`${server.url}/websocket?vsn=2.0.0`), 403);
  const socket = phoenixSocket(server.url, { vsn: "2.0.0" });
  t.teardown(() => disconnect(socket));
  await new Promise<void>((resolve) => socket.onError(() => resolve()));
  t.false(socket.isConnected());
  t.is(server.endpoint.connectionCount, 0);
});

test("a JSON codec sending vsn 2.0.0-protobuf gets a clean 1007 close, the server lives on", async (t) => {
  const server = await startServer([protobufV2, jsonV2]);
  t.teardown(() => server.close());
  const wrong = phoenixSocket(server.url, { vsn: PROTOBUF_VSN });
  t.teardown(() => disconnect(wrong));
  const closed = closeCode(wrong);
  wrong.channel("room:lobby").join();
  t.is(await closed, 1007);

  const right = phoenixSocket(server.url, protobufCodec());
  t.teardown(() => disconnect(right));
  t.deepEqual(await join(right.channel("room:after")), { joined: "room:after" });
});
