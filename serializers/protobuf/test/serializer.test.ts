import test from "ava";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import type { Frame, Message } from "@fawkes/core";
import { protobufSerializer, protobufV2, PROTOBUF_VSN } from "@fawkes/protobuf";
import { protobufCodec, type PhoenixCodec, type PhoenixMessage } from "@fawkes/protobuf/client";
import { FAWKES_PROTO, envelopeRoot, typesFromProto } from "@fawkes/protobuf/schema";
import { phoenixDecode, phoenixEncode, thrownCode } from "@fawkes/conformance";
import { chatTypes } from "./chat-types.js";

const generic = protobufCodec();
const Envelope = envelopeRoot().lookupType("fawkes.Envelope");

function bin(bytes: ArrayLike<number>): Frame {
  return { opcode: "binary", data: Uint8Array.from(bytes) };
}

const clientDecode = (frame: Frame, codec: PhoenixCodec = generic): PhoenixMessage => phoenixDecode(codec, frame);
const clientEncode = (message: object, codec: PhoenixCodec = generic): Frame => phoenixEncode(codec, message);
const codeOf = thrownCode;

/** The envelope as protobufjs's own codec (generated from the .proto) reads it. */
function inspect(frame: Frame): Record<string, unknown> {
  return Envelope.toObject(Envelope.decode(frame.data as Uint8Array), { oneofs: true, bytes: Array });
}

test("the shipped proto/fawkes.proto is the schema the code embeds", (t) => {
  const shipped = readFileSync(new URL("../proto/fawkes.proto", import.meta.url), "utf8");
  t.is(shipped, FAWKES_PROTO);
  t.truthy(envelopeRoot().lookupType("fawkes.Value"));
});

test("declares vsn 2.0.0-protobuf and binary frames; bad options fail at once", (t) => {
  t.is(PROTOBUF_VSN, "2.0.0-protobuf");
  t.deepEqual(protobufV2.vsn, [PROTOBUF_VSN]);
  t.true(protobufV2.binary);
  t.deepEqual(protobufSerializer({ vsn: ["2.0.0-protobuf+chat.1"] }).vsn, ["2.0.0-protobuf+chat.1"]);
  t.is(
    codeOf(() => protobufSerializer({ vsn: [] })),
    "ERR_BAD_OPTION",
  );
  t.is(
    codeOf(() => protobufSerializer({ maxDepth: -1 })),
    "ERR_BAD_OPTION",
  );
  t.is(
    codeOf(() => protobufSerializer({ types: { new_msg: {} as never } })),
    "ERR_BAD_OPTION",
  );
  t.is(
    codeOf(() => protobufCodec({ types: { new_msg: "chat.ChatMessage" as never } })),
    "ERR_BAD_OPTION",
  );
  t.is(
    codeOf(() => typesFromProto('syntax = "proto3"; message {', {})),
    "ERR_BAD_OPTION",
  );
  t.is(
    codeOf(() => typesFromProto('syntax = "proto3"; message A {}', { e: "B" })),
    "ERR_BAD_OPTION",
  );
});

test("golden: a broadcast is an Envelope without refs, payload a google.protobuf.Value-compatible struct", (t) => {
  const frame = protobufV2.fastlane({ topic: "room:1", event: "e", payload: { a: 1 } });
  t.deepEqual(Array.from(frame.data as Uint8Array), [
    0x1a,
    6,
    ...Buffer.from("room:1"),
    0x22,
    1,
    0x65,
    0x32,
    0x12,
    0x2a,
    0x10,
    0x0a,
    0x0e,
    0x0a,
    0x01,
    0x61,
    0x12,
    0x09,
    0x11,
    0,
    0,
    0,
    0,
    0,
    0,
    0xf0,
    0x3f,
  ]);
  t.deepEqual(inspect(frame), {
    topic: "room:1",
    event: "e",
    payload: "json",
    json: { kind: "struct_value", struct_value: { fields: { a: { kind: "number_value", number_value: 1 } } } },
  });
});

test("golden: an empty-object payload is omitted; a reply carries status and no event", (t) => {
  const heartbeat = protobufV2.encode({ kind: "reply", joinRef: null, ref: "3", topic: "phoenix", status: "ok", response: {} });
  t.deepEqual(Array.from(heartbeat.data as Uint8Array), [0x12, 1, 0x33, 0x1a, 7, ...Buffer.from("phoenix"), 0x2a, 2, 0x6f, 0x6b]);
  t.deepEqual(clientDecode(heartbeat), { join_ref: null, ref: "3", topic: "phoenix", event: "phx_reply", payload: { status: "ok", response: {} } });
  const error = protobufV2.encode({ kind: "reply", joinRef: "1", ref: "2", topic: "room:1", status: "error", response: { reason: "x" } });
  t.deepEqual(clientDecode(error), { join_ref: "1", ref: "2", topic: "room:1", event: "phx_reply", payload: { status: "error", response: { reason: "x" } } });
});

test("client -> server round trip: refs (null vs empty), unicode, nesting, JSON semantics", (t) => {
  const payload = { body: "héllo 👋", n: -1.5, list: [null, true, [], {}, "x"], skip: undefined, at: new Date(0), nan: Number.NaN };
  const decoded = protobufV2.decode(clientEncode({ join_ref: "", ref: "4", topic: "room:café", event: "new_msg", payload }));
  t.deepEqual(decoded, { joinRef: "", ref: "4", topic: "room:café", event: "new_msg", payload: JSON.parse(JSON.stringify(payload)) });
  t.deepEqual(protobufV2.decode(clientEncode({ ref: "5", topic: "phoenix", event: "heartbeat", payload: {} })), {
    joinRef: null,
    ref: "5",
    topic: "phoenix",
    event: "heartbeat",
    payload: {},
  });
  for (const scalar of [null, 0, "", false, [], "s"]) {
    t.deepEqual(protobufV2.decode(clientEncode({ topic: "t", event: "e", payload: scalar })).payload, scalar);
  }
});

test("binary: ArrayBuffer from the client arrives as Uint8Array; Uint8Array from the server as ArrayBuffer", (t) => {
  const m = protobufV2.decode(clientEncode({ join_ref: "1", ref: "2", topic: "t", event: "up", payload: new Uint8Array([1, 2, 3]).buffer }));
  t.true(m.payload instanceof Uint8Array);
  t.false(Buffer.isBuffer(m.payload));
  t.deepEqual(Array.from(m.payload as Uint8Array), [1, 2, 3]);
  const empty = protobufV2.decode(clientEncode({ topic: "t", event: "up", payload: new ArrayBuffer(0) }));
  t.deepEqual(empty.payload, new Uint8Array(0));

  const push = clientDecode(protobufV2.encode({ joinRef: "1", ref: null, topic: "t", event: "down", payload: new Uint8Array([9, 9]) }));
  t.deepEqual(new Uint8Array(push.payload as ArrayBuffer), new Uint8Array([9, 9]));
  t.true(push.payload instanceof ArrayBuffer);
  const reply = clientDecode(protobufV2.encode({ kind: "reply", joinRef: "1", ref: "7", topic: "t", status: "ok", response: new Uint8Array([8]) }));
  t.deepEqual(reply.payload, { status: "ok", response: new Uint8Array([8]).buffer });
  t.is(
    codeOf(() => protobufV2.encode({ joinRef: null, ref: null, topic: "t", event: "e", payload: { inner: new Uint8Array(1) } })),
    "ERR_UNENCODABLE",
  );
});

test("typed payloads: a registered event travels as its own message type, smaller, and reads back the same", (t) => {
  const server = protobufSerializer({ types: chatTypes });
  const client = protobufCodec({ types: chatTypes });
  const chat = { user: "alice", body: "hello there", ts: 1732560000 };
  const typed = server.fastlane({ topic: "room:lobby", event: "new_msg", payload: chat });
  const untyped = protobufV2.fastlane({ topic: "room:lobby", event: "new_msg", payload: chat });
  t.is(inspect(typed).payload, "typed");
  t.is(typed.data.length, 49);
  t.is(untyped.data.length, 82);
  t.deepEqual(clientDecode(typed, client).payload, chat);
  t.deepEqual(server.decode(clientEncode({ join_ref: "1", ref: "2", topic: "room:lobby", event: "new_msg", payload: chat }, client)).payload, chat);
  // Nested message types and bytes fields.
  const post = { title: "t", files: [{ name: "a.bin", data: new Uint8Array([1, 2]) }] };
  const postFrame = server.fastlane({ topic: "r", event: "post", payload: post });
  t.is(inspect(postFrame).payload, "typed");
  t.deepEqual(clientDecode(postFrame, client).payload, post);
});

test("typed payloads fall back to a JSON value whenever the type would lose something", (t) => {
  const server = protobufSerializer({ types: chatTypes });
  const client = protobufCodec({ types: chatTypes });
  const cases = [
    { user: "alice", body: "hi", ts: 1, extra: true }, // unknown key
    { user: null, body: "hi", ts: 1 }, // null
    { user: "alice", body: "hi", ts: "yesterday" }, // wrong scalar type
    [{ user: "alice", body: "hi", ts: 1 }], // not an object
  ];
  for (const payload of cases) {
    const frame = server.fastlane({ topic: "r", event: "new_msg", payload });
    t.is(inspect(frame).payload, "json", JSON.stringify(payload));
    t.deepEqual(clientDecode(frame, client).payload, JSON.parse(JSON.stringify(payload)));
  }
  const nested = server.fastlane({ topic: "r", event: "post", payload: { title: "t", files: [{ name: "a", size: 3 }] } });
  t.is(inspect(nested).payload, "json", "an unknown key in a nested message");
  const more: unknown[] = [
    { body: "x" }, // missing fields would come back as defaults
    { user: "a", body: "x", ts: 2 ** 60 }, // int64 beyond 2^53
    { user: "a\ud800", body: "x", ts: 1 }, // lone surrogate
    { title: "t", files: [{ name: "a" }] }, // nested message missing a field
  ];
  for (const payload of more) {
    const frame = server.fastlane({ topic: "r", event: (payload as { title?: string }).title === undefined ? "new_msg" : "post", payload });
    t.is(inspect(frame).payload, "json", JSON.stringify(payload));
  }
  // Defaults that protobuf leaves off the wire come back exactly.
  const zeros = { user: "", body: "", ts: 0 };
  const zerosFrame = server.fastlane({ topic: "r", event: "new_msg", payload: zeros });
  t.is(inspect(zerosFrame).payload, "typed");
  t.deepEqual(clientDecode(zerosFrame, client).payload, zeros);
  // A typed payload for an event the reader has no type for is malformed.
  t.is(
    codeOf(() => clientDecode(server.fastlane({ topic: "r", event: "new_msg", payload: { user: "a", body: "x", ts: 1 } }))),
    "ERR_MALFORMED_FRAME",
  );
});

test("typed payloads never change what the reader gets (property)", (t) => {
  const server = protobufSerializer({ types: chatTypes });
  const client = protobufCodec({ types: chatTypes });
  const field = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.double(), fc.constant(null), fc.boolean(), fc.constant(2 ** 60));
  const likely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: field });
  const chat = fc.oneof(
    fc.record(
      { user: likely(fc.string({ maxLength: 6 })), body: likely(fc.string()), ts: likely(fc.integer()), extra: field },
      { requiredKeys: ["user", "body", "ts"] },
    ),
    fc.record({ user: field, body: field, ts: field, extra: field }, { requiredKeys: [] }),
  );
  let typed = 0;
  fc.assert(
    fc.property(chat, (payload) => {
      const frame = server.fastlane({ topic: "r", event: "new_msg", payload });
      if (inspect(frame).payload === "typed") typed++;
      // Through JSON on both sides only to equate -0 and 0 (a JSON value keeps -0; JSON text cannot).
      t.deepEqual(JSON.parse(JSON.stringify(clientDecode(frame, client).payload)), JSON.parse(JSON.stringify(payload)));
    }),
    { numRuns: 400 },
  );
  t.true(typed > 0, "some payloads went typed");
});

test("decode refuses malformed frames with typed codes", (t) => {
  const head = [0x1a, 1, 0x74, 0x22, 1, 0x65]; // topic "t", event "e"
  const deepList = (levels: number): number[] => {
    let inner = [0x08, 0x00];
    for (let i = 0; i < levels; i++) {
      const list = [0x0a, ...varint(inner.length), ...inner];
      inner = [0x32, ...varint(list.length), ...list];
    }
    return [0x32, ...varint(inner.length), ...inner];
  };
  const cases: [string, Frame, string][] = [
    ["text frame", { opcode: "text", data: '[null,null,"t","e",{}]' }, "ERR_TEXT_FRAME"],
    ["empty (no topic)", bin([]), "ERR_MALFORMED_FRAME"],
    ["no event", bin([0x1a, 1, 0x74]), "ERR_MALFORMED_FRAME"],
    ["field number 0", bin([0x00, 0x01]), "ERR_MALFORMED_FRAME"],
    ["topic with varint wire type", bin([0x18, 0x01, 0x22, 1, 0x65]), "ERR_MALFORMED_FRAME"],
    ["topic not UTF-8", bin([0x1a, 2, 0xc3, 0x28, 0x22, 1, 0x65]), "ERR_MALFORMED_FRAME"],
    ["truncated string", bin([0x1a, 5, 0x74]), "ERR_MALFORMED_FRAME"],
    ["length declaring 4 GB", bin([...head, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]), "ERR_MALFORMED_FRAME"],
    ["overlong varint", bin([...head, 0x3a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), "ERR_MALFORMED_FRAME"],
    ["end-group wire type", bin([...head, 0x0c]), "ERR_MALFORMED_FRAME"],
    ["unterminated group", bin([...head, 0x4b, 0x08, 0x01]), "ERR_MALFORMED_FRAME"],
    ["Value running past its parent", bin([...head, 0x32, 0x02, 0x1a, 0x05, 0x61, 0x62, 0x63]), "ERR_MALFORMED_FRAME"],
    ["NaN number_value", bin([...head, 0x32, 0x09, 0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]), "ERR_UNSUPPORTED_TYPE"],
    ["typed payload with no registered type", bin([...head, 0x42, 0x00]), "ERR_MALFORMED_FRAME"],
    ["lists nested 65 deep", bin([...head, ...deepList(65)]), "ERR_TOO_DEEP"],
    ["lists nested 2000 deep", bin([...head, ...deepList(2000)]), "ERR_TOO_DEEP"],
  ];
  for (const [name, frame, code] of cases) {
    t.deepEqual([codeOf(() => protobufV2.decode(frame)), codeOf(() => clientDecode(frame))], [code, code], `server, client: ${name}`);
  }
  t.deepEqual(protobufV2.decode(bin([...head, ...deepList(64)])).topic, "t", "64 levels is the default limit");
  // Unknown fields are skipped (forward compatibility), including groups.
  t.deepEqual(protobufV2.decode(bin([...head, 0x78, 0x01, 0x4b, 0x08, 0x01, 0x4c])), { joinRef: null, ref: null, topic: "t", event: "e", payload: {} });
  const proto = protobufV2.decode(clientEncode({ topic: "t", event: "e", payload: JSON.parse('{"__proto__": {"polluted": 1}}') }));
  t.deepEqual(Object.keys(proto.payload as object), ["__proto__"], "__proto__ is an own key, as JSON.parse makes it");
  t.is(({} as { polluted?: number }).polluted, undefined);
});

test("encode: too deep and bigint payloads are refused with typed codes", (t) => {
  const push = (payload: unknown): Message => ({ joinRef: null, ref: null, topic: "t", event: "e", payload });
  let deep: unknown = 1;
  for (let i = 0; i < 65; i++) deep = [deep];
  t.is(
    codeOf(() => protobufV2.encode(push(deep))),
    "ERR_TOO_DEEP",
  );
  t.is(
    codeOf(() => protobufV2.encode(push({ n: 1n }))),
    "ERR_UNENCODABLE",
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  t.is(
    codeOf(() => protobufV2.fastlane({ topic: "t", event: "e", payload: cyclic })),
    "ERR_TOO_DEEP",
  );
});

test("client decode: throws CodecError by default, or reports to onDecodeError and drops the frame", (t) => {
  t.is(
    codeOf(() => generic.decode("[]", () => undefined)),
    "ERR_TEXT_FRAME",
  );
  const seen: string[] = [];
  const codec = protobufCodec({ onDecodeError: (e) => seen.push(e.code) });
  let called = false;
  codec.decode(new Uint8Array([0x00]).buffer, () => {
    called = true;
  });
  t.false(called);
  t.deepEqual(seen, ["ERR_MALFORMED_FRAME"]);
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
