// The official phoenix client (npm `phoenix`, with ws's WebSocket in Node) with the
// binary codecs of @fawkes/msgpack/client and @fawkes/protobuf/client, against a Fawkes
// server running the conformance fixture app. Every scenario runs for each codec;
// typed protobuf payloads have a test of their own.
import test, { type ExecutionContext } from "ava";
import { startFixtureServer, type FixtureServer } from "@fawkes/conformance";
import { silentLogger, type Frame, type Serializer } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { msgpackV2, MSGPACK_VSN } from "@fawkes/msgpack";
import { decode, encode, msgpackCodec } from "@fawkes/msgpack/client";
import { protobufSerializer, protobufV2, PROTOBUF_VSN } from "@fawkes/protobuf";
import { protobufCodec } from "@fawkes/protobuf/client";
import { envelopeRoot, typesFromProto } from "@fawkes/protobuf/schema";
import { websocket } from "@fawkes/websocket";
import type { Socket } from "phoenix";
import { WebSocket } from "ws";
import { nextEvent, phoenixSocket, receive, within, type ClientCodec } from "./phoenix-client.js";

/** One binary codec: the server's serializer and the client codec that speaks to it. */
interface BinaryCodecCase {
  readonly name: string;
  /** The server side, answering the codec's vsn. */
  readonly serializer: Serializer;
  /** The client codec as the package's README spells it. */
  readonly codec: ClientCodec;
  /** The codec put together from the package's separate `encode`/`decode` exports, where it has them. */
  readonly fromExports?: ClientCodec;
  /** Bytes nested inside a map travel as bytes and arrive as `Uint8Array`. */
  readonly nestedBytes: boolean;
}

const codecs: readonly BinaryCodecCase[] = [
  { name: "msgpack", serializer: msgpackV2, codec: msgpackCodec, fromExports: { vsn: MSGPACK_VSN, encode, decode }, nestedBytes: true },
  { name: "protobuf", serializer: protobufV2, codec: protobufCodec(), nestedBytes: false },
];

const CHAT = { user: "alice", body: "hello there", ts: 1732560000 };
const NESTED = { nested: { list: [1, 2.5, null, true, "é👋"] } };
/** For sockets the server is meant to refuse or close: one attempt, no retry storm. */
const NO_RETRY = { reconnectAfterMs: () => 60_000 };

async function fixture(t: ExecutionContext, serializers: readonly Serializer[]): Promise<FixtureServer> {
  const server = await startFixtureServer({ transports: { websocket: websocket() }, serializers, logger: silentLogger });
  t.teardown(() => server.close());
  return server;
}

function connected(t: ExecutionContext, server: FixtureServer, codec: ClientCodec): Socket {
  const socket = phoenixSocket(server.url, codec);
  t.teardown(() => socket.disconnect());
  socket.connect();
  return socket;
}

/** The HTTP status a plain WebSocket upgrade at `vsn` gets (101 when accepted). */
function upgradeStatus(server: FixtureServer, vsn: string): Promise<number> {
  return within(
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/socket/websocket?vsn=${encodeURIComponent(vsn)}`);
      ws.on("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on("open", () => {
        resolve(101);
        ws.close();
      });
      ws.on("error", reject);
    }),
    2000,
    "upgrade response",
  );
}

for (const c of codecs) {
  test(`phoenix client with the ${c.name} codec: join, push/reply, error reply, push from server, broadcast`, async (t) => {
    const server = await fixture(t, [c.serializer, jsonV2]);
    const channel = connected(t, server, c.codec).channel("room:lobby", { token: "abc" });
    const joinedPush = nextEvent(channel, "joined");
    t.deepEqual(await receive(channel.join()), { joined: "room:lobby" });
    t.deepEqual(await within(joinedPush, 2000, "joined push"), { topic: "room:lobby" });
    t.deepEqual(await receive(channel.push("echo", NESTED)), NESTED);
    t.deepEqual(await receive(channel.push("nope", {}), "error"), { reason: "unknown event", event: "nope" });

    const pushed = nextEvent(channel, "pushed");
    t.deepEqual(await receive(channel.push("push", CHAT)), {});
    t.deepEqual(await within(pushed, 2000, "pushed"), CHAT);

    const broadcast = nextEvent(channel, "new_msg");
    t.deepEqual(await receive(channel.push("broadcast", CHAT)), {});
    t.deepEqual(await within(broadcast, 2000, "broadcast"), CHAT);

    const fromServer = nextEvent(channel, "announce");
    server.endpoint.broadcast("room:lobby", "announce", { text: "hi all" });
    t.deepEqual(await within(fromServer, 2000, "server broadcast"), { text: "hi all" });
  });

  test(`phoenix client with the ${c.name} codec: binary payloads both ways arrive as ArrayBuffer${c.nestedBytes ? "; nested bytes as Uint8Array" : ""}`, async (t) => {
    const server = await fixture(t, [c.serializer]);
    const channel = connected(t, server, c.fromExports ?? c.codec).channel("room:bin", {});
    await receive(channel.join());

    const bytes = new Uint8Array([0, 1, 2, 255, 128, 7]);
    const reply = await receive(channel.push("echo", bytes.slice().buffer as never));
    t.true(reply instanceof ArrayBuffer, "a binary reply response is an ArrayBuffer");
    t.deepEqual(new Uint8Array(reply as ArrayBuffer), bytes);

    const broadcast = nextEvent(channel, "new_msg");
    await receive(channel.push("broadcast", bytes.slice().buffer as never));
    const payload = await within(broadcast, 2000, "binary broadcast");
    t.true(payload instanceof ArrayBuffer, "a binary broadcast payload is an ArrayBuffer");
    t.deepEqual(new Uint8Array(payload as ArrayBuffer), bytes);

    const fromServer = nextEvent(channel, "blob");
    server.endpoint.broadcast("room:bin", "blob", new Uint8Array([9, 8, 7]));
    t.deepEqual(new Uint8Array((await within(fromServer, 2000, "server binary broadcast")) as ArrayBuffer), new Uint8Array([9, 8, 7]));

    if (c.nestedBytes) {
      const nested = await receive(channel.push("echo", { name: "f.bin", data: new Uint8Array([1, 2]) }));
      t.deepEqual(nested, { name: "f.bin", data: new Uint8Array([1, 2]) });
    }
  });

  test(`a V2 JSON client against a socket that only lists ${c.name} is refused with 403`, async (t) => {
    const server = await fixture(t, [c.serializer]);
    t.is(await upgradeStatus(server, "2.0.0"), 403);

    const socket = phoenixSocket(server.url, "2.0.0", NO_RETRY);
    t.teardown(() => socket.disconnect());
    const errored = new Promise<void>((resolve) => socket.onError(() => resolve()));
    socket.connect();
    await within(errored, 2000, "refused connect");
    t.false(socket.isConnected());
    t.is(server.endpoint.connectionCount, 0);
    t.is(await upgradeStatus(server, c.codec.vsn), 101, "the right vsn is accepted");
  });

  test(`a JSON codec sending vsn ${c.codec.vsn} gets a clean 1007 close, the server lives on`, async (t) => {
    const server = await fixture(t, [c.serializer, jsonV2]);
    // The codec's vsn with phoenix's default JSON encode/decode.
    const wrong = phoenixSocket(server.url, { vsn: c.codec.vsn }, NO_RETRY);
    t.teardown(() => wrong.disconnect());
    const closed = new Promise<number>((resolve) => wrong.onClose((e: { code: number }) => resolve(e.code)));
    wrong.connect();
    wrong.channel("room:lobby", {}).join();
    t.is(await within(closed, 2000, "close"), 1007);

    const right = connected(t, server, c.codec);
    t.deepEqual(await receive(right.channel("room:after", {}).join()), { joined: "room:after" });
  });
}

// The fixture's room answers `broadcast` by broadcasting `new_msg`: both carry a ChatMessage.
const CHAT_PROTO = 'syntax = "proto3"; package chat; message ChatMessage { string user = 1; string body = 2; int64 ts = 3; }';
const chatTypes = typesFromProto(CHAT_PROTO, { broadcast: "chat.ChatMessage", new_msg: "chat.ChatMessage" });

test("phoenix client with a typed protobuf codec: typed events travel as their message type both ways", async (t) => {
  const vsn = "2.0.0-protobuf+chat.1";
  const serializer = protobufSerializer({ types: chatTypes, vsn: [vsn] });
  const Envelope = envelopeRoot().lookupType("fawkes.Envelope");
  const kindOf = (frame: Frame): string =>
    String((Envelope.toObject(Envelope.decode(frame.data as Uint8Array), { oneofs: true }) as { payload?: string }).payload);
  // The real serializer, watched: which payload kind the chat frames used each way.
  const kinds: string[] = [];
  const spy: Serializer = {
    ...serializer,
    decode(frame) {
      const m = serializer.decode(frame);
      if (m.event === "broadcast") kinds.push(`in:${kindOf(frame)}`);
      return m;
    },
    fastlane(b) {
      const frame = serializer.fastlane(b);
      kinds.push(`out:${kindOf(frame)}`);
      return frame;
    },
  };
  const server = await fixture(t, [spy]);
  const channel = connected(t, server, protobufCodec({ types: chatTypes, vsn })).channel("room:typed", {});
  await receive(channel.join());

  const broadcast = nextEvent(channel, "new_msg");
  t.deepEqual(await receive(channel.push("broadcast", CHAT)), {});
  t.deepEqual(await within(broadcast, 2000, "typed broadcast"), CHAT);
  const untyped = nextEvent(channel, "new_msg");
  server.endpoint.broadcast("room:typed", "new_msg", { user: "bob", mood: "not in the schema" });
  t.deepEqual(await within(untyped, 2000, "untyped broadcast"), { user: "bob", mood: "not in the schema" });
  t.deepEqual(kinds, ["in:typed", "out:typed", "out:json"]);

  // A client without the schema is refused by vsn, not fed payloads it cannot read.
  t.is(await upgradeStatus(server, PROTOBUF_VSN), 403);
});
