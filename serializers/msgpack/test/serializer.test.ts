import test from "ava";
import { SerializerError, type Frame, type Message } from "@fawkes/core";
import { msgpackSerializer, msgpackV2, MSGPACK_VSN } from "@fawkes/msgpack";
import { createMsgpackCodec, msgpackCodec, type PhoenixMessage } from "@fawkes/msgpack/client";
import { phoenixDecode, phoenixEncode, thrownCode } from "@fawkes/conformance";
import { decode as rawDecode, encode as rawEncode } from "@msgpack/msgpack";

function bin(bytes: ArrayLike<number>): Frame {
  return { opcode: "binary", data: Uint8Array.from(bytes) };
}

const clientDecode = (frame: Frame): PhoenixMessage => phoenixDecode(msgpackCodec, frame);
const clientEncode = (message: object): Frame => phoenixEncode(msgpackCodec, message);
const codeOf = thrownCode;

test("declares vsn 2.0.0-msgpack and binary frames", (t) => {
  t.deepEqual(msgpackV2.vsn, [MSGPACK_VSN]);
  t.is(MSGPACK_VSN, "2.0.0-msgpack");
  t.true(msgpackV2.binary);
  t.deepEqual(msgpackSerializer({ vsn: ["~> 2.1.0"] }).vsn, ["~> 2.1.0"]);
  t.is(
    codeOf(() => msgpackSerializer({ vsn: [] })),
    "ERR_BAD_OPTION",
  );
  t.is(
    codeOf(() => msgpackSerializer({ maxDepth: 0 })),
    "ERR_BAD_OPTION",
  );
});

test("golden: a broadcast is the V2 array in MessagePack", (t) => {
  const frame = msgpackV2.fastlane({ topic: "room:1", event: "e", payload: { a: 1 } });
  t.is(frame.opcode, "binary");
  // [nil, nil, "room:1", "e", {"a": 1}]
  t.deepEqual(Array.from(frame.data as Uint8Array), [0x95, 0xc0, 0xc0, 0xa6, ...Buffer.from("room:1"), 0xa1, 0x65, 0x81, 0xa1, 0x61, 0x01]);
  t.deepEqual(rawDecode(frame.data as Uint8Array), [null, null, "room:1", "e", { a: 1 }]);
});

test("a reply is event phx_reply with payload {status, response}, join_ref and ref kept", (t) => {
  const frame = msgpackV2.encode({ kind: "reply", joinRef: "1", ref: "2", topic: "room:1", status: "ok", response: { x: [1] } });
  t.deepEqual(rawDecode(frame.data as Uint8Array), ["1", "2", "room:1", "phx_reply", { status: "ok", response: { x: [1] } }]);
  t.deepEqual(clientDecode(frame), { join_ref: "1", ref: "2", topic: "room:1", event: "phx_reply", payload: { status: "ok", response: { x: [1] } } });
});

test("client -> server round trip keeps refs, unicode and nesting; undefined object fields are dropped", (t) => {
  const payload = { body: "héllo 👋", n: -1.5, big: 2 ** 40, list: [null, true, [], {}], skip: undefined };
  const decoded = msgpackV2.decode(clientEncode({ join_ref: "3", ref: "4", topic: "room:café", event: "new_msg", payload }));
  t.deepEqual(decoded, {
    joinRef: "3",
    ref: "4",
    topic: "room:café",
    event: "new_msg",
    payload: { body: "héllo 👋", n: -1.5, big: 2 ** 40, list: [null, true, [], {}] },
  });
  const heartbeat = msgpackV2.decode(clientEncode({ ref: "5", topic: "phoenix", event: "heartbeat", payload: {} }));
  t.deepEqual(heartbeat, { joinRef: null, ref: "5", topic: "phoenix", event: "heartbeat", payload: {} });
});

test("binary: ArrayBuffer from the client arrives as Uint8Array; Uint8Array from the server as ArrayBuffer", (t) => {
  const m = msgpackV2.decode(clientEncode({ join_ref: "1", ref: "2", topic: "t", event: "up", payload: new Uint8Array([1, 2, 3]).buffer }));
  t.true(m.payload instanceof Uint8Array);
  t.false(Buffer.isBuffer(m.payload), "a plain Uint8Array, not a Buffer");
  t.deepEqual(Array.from(m.payload as Uint8Array), [1, 2, 3]);
  // Buffer input (as ws hands it) also yields plain Uint8Array.
  const fromBuffer = msgpackV2.decode({ opcode: "binary", data: Buffer.from(rawEncode(["1", "2", "t", "up", new Uint8Array([4])])) });
  t.false(Buffer.isBuffer(fromBuffer.payload));

  const push = clientDecode(msgpackV2.encode({ joinRef: "1", ref: null, topic: "t", event: "down", payload: new Uint8Array([9, 9]) }));
  t.true(push.payload instanceof ArrayBuffer);
  t.deepEqual(new Uint8Array(push.payload as ArrayBuffer), new Uint8Array([9, 9]));
  const fastlane = clientDecode(msgpackV2.fastlane({ topic: "t", event: "down", payload: new Uint8Array([5]).buffer }));
  t.deepEqual(new Uint8Array(fastlane.payload as ArrayBuffer), new Uint8Array([5]));
  const reply = clientDecode(msgpackV2.encode({ kind: "reply", joinRef: "1", ref: "7", topic: "t", status: "ok", response: new Uint8Array([8]) }));
  t.deepEqual(reply.payload, { status: "ok", response: new Uint8Array([8]).buffer });
});

test("decode refuses malformed frames with typed codes", (t) => {
  const cases: [string, Frame, string][] = [
    ["text frame", { opcode: "text", data: '[null,null,"t","e",{}]' }, "ERR_TEXT_FRAME"],
    ["empty", bin([]), "ERR_MALFORMED_FRAME"],
    ["never-used byte 0xc1", bin([0xc1]), "ERR_MALFORMED_FRAME"],
    ["not an array", bin(rawEncode({ topic: "t" })), "ERR_MALFORMED_FRAME"],
    ["4 elements", bin(rawEncode([null, null, "t", "e"])), "ERR_MALFORMED_FRAME"],
    ["numeric topic", bin(rawEncode([null, null, 1, "e", {}])), "ERR_MALFORMED_FRAME"],
    ["bin topic", bin(rawEncode([null, null, new Uint8Array([0x74]), "e", {}])), "ERR_MALFORMED_FRAME"],
    ["map event", bin(rawEncode([null, null, "t", {}, {}])), "ERR_MALFORMED_FRAME"],
    ["boolean ref", bin(rawEncode([null, true, "t", "e", {}])), "ERR_MALFORMED_FRAME"],
    ["trailing bytes", bin([...rawEncode([null, null, "t", "e", {}]), 0xc0]), "ERR_MALFORMED_FRAME"],
    ["truncated", bin(rawEncode([null, null, "topic", "e", {}]).slice(0, 6)), "ERR_MALFORMED_FRAME"],
    ["array32 declaring 4G items", bin([0xdd, 0xff, 0xff, 0xff, 0xff]), "ERR_MALFORMED_FRAME"],
    ["str32 declaring 4 GB", bin([0x95, 0xc0, 0xc0, 0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]), "ERR_MALFORMED_FRAME"],
    ["bin32 declaring 4 GB", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, 0xc6, 0xff, 0xff, 0xff, 0xff]), "ERR_MALFORMED_FRAME"],
    ["map32 declaring 4G pairs", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, 0xdf, 0xff, 0xff, 0xff, 0xff]), "ERR_MALFORMED_FRAME"],
    ["fixext payload", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, 0xd4, 0x01, 0x00]), "ERR_UNSUPPORTED_TYPE"],
    ["timestamp extension (-1)", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, 0xd6, 0xff, 0, 0, 0, 1]), "ERR_UNSUPPORTED_TYPE"],
    ["ext topic", bin([0x95, 0xc0, 0xc0, 0xd4, 0x05, 0x00, 0xa1, 0x65, 0x80]), "ERR_UNSUPPORTED_TYPE"],
    ["NaN payload", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]), "ERR_UNSUPPORTED_TYPE"],
    ["map with an array key", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, 0x81, 0x90, 0xc0]), "ERR_MALFORMED_FRAME"],
    ["__proto__ key", bin(rawEncode([null, null, "t", "e", JSON.parse('{"__proto__": {"polluted": 1}}')])), "ERR_MALFORMED_FRAME"],
    ["nesting 65 deep", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, ...new Array(65).fill(0x91), 0xc0]), "ERR_TOO_DEEP"],
    ["nesting a million deep", bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, ...new Uint8Array(1_000_000).fill(0x91)]), "ERR_TOO_DEEP"],
  ];
  for (const [name, frame, code] of cases) {
    t.deepEqual([codeOf(() => msgpackV2.decode(frame)), codeOf(() => clientDecode(frame))], [code, code], `server, client: ${name}`);
  }
  t.is(({} as { polluted?: number }).polluted, undefined, "no prototype pollution");
  // 64 levels is the default limit, and it is accepted.
  const ok = msgpackV2.decode(bin([0x95, 0xc0, 0xc0, 0xa1, 0x74, 0xa1, 0x65, ...new Array(64).fill(0x91), 0xc0]));
  t.is(ok.topic, "t");
});

test("a SerializerError from decode carries close code 1007", (t) => {
  const error = t.throws(() => msgpackV2.decode(bin([0xc1])), { instanceOf: SerializerError });
  t.is(error?.closeCode, 1007);
});

test("encode refuses values that are not plain data with ERR_UNENCODABLE", (t) => {
  const push = (payload: unknown): Message => ({ joinRef: null, ref: null, topic: "t", event: "e", payload });
  t.is(
    codeOf(() => msgpackV2.encode(push({ at: new Date(0) }))),
    "ERR_UNENCODABLE",
  );
  t.is(
    codeOf(() => msgpackV2.encode(push({ buf: new ArrayBuffer(2) }))),
    "ERR_UNENCODABLE",
  );
  t.is(
    codeOf(() => msgpackV2.encode(push({ n: 10n }))),
    "ERR_UNENCODABLE",
  );
  t.is(
    codeOf(() => msgpackV2.fastlane({ topic: "t", event: "e", payload: { f: () => 1 } })),
    "ERR_UNENCODABLE",
  );
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  t.is(
    codeOf(() => msgpackV2.encode(push(cyclic))),
    "ERR_UNENCODABLE",
  );
  t.is(
    codeOf(() => clientEncode({ topic: "t", event: "e", payload: { at: new Date(0) } })),
    "ERR_UNENCODABLE",
  );
});

test("client decode: throws CodecError by default, or reports to onDecodeError and drops the frame", (t) => {
  t.is(
    codeOf(() => clientDecode({ opcode: "text", data: "[]" })),
    "ERR_TEXT_FRAME",
  );
  const seen: string[] = [];
  const codec = createMsgpackCodec({ onDecodeError: (e) => seen.push(e.code) });
  let called = false;
  codec.decode(new Uint8Array([0xc1]).buffer, () => {
    called = true;
  });
  t.false(called);
  t.deepEqual(seen, ["ERR_MALFORMED_FRAME"]);
  t.is(createMsgpackCodec({ vsn: "2.0.0-msgpack+x" }).vsn, "2.0.0-msgpack+x");
});

test("bytes on the wire for a typical chat broadcast beat V2 JSON", (t) => {
  const payload = { user: "alice", body: "hello there", ts: 1732560000 };
  const msgpack = msgpackV2.fastlane({ topic: "room:lobby", event: "new_msg", payload }).data.length;
  const json = JSON.stringify([null, null, "room:lobby", "new_msg", payload]).length;
  t.is(msgpack, 59);
  t.is(json, 88);
});
