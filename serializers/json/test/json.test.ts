import test from "ava";
import { SerializerError, type Frame } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";

const enc = new TextEncoder();

test("V2 text frames: decode, encode push, reply and broadcast", (t) => {
  t.deepEqual(jsonV2.decode({ opcode: "text", data: '["1","2","room:1","new_msg",{"a":1}]' }), {
    joinRef: "1",
    ref: "2",
    topic: "room:1",
    event: "new_msg",
    payload: { a: 1 },
  });
  t.deepEqual(jsonV2.encode({ joinRef: "1", ref: null, topic: "t", event: "e", payload: { b: 2 } }), { opcode: "text", data: '["1",null,"t","e",{"b":2}]' });
  t.deepEqual(jsonV2.encode({ kind: "reply", joinRef: "1", ref: "3", topic: "t", status: "ok", response: {} }), {
    opcode: "text",
    data: '["1","3","t","phx_reply",{"status":"ok","response":{}}]',
  });
  t.deepEqual(jsonV2.fastlane({ topic: "t", event: "e", payload: 1 }), { opcode: "text", data: '[null,null,"t","e",1]' });
});

test("V2 binary frames: client push decodes; push, reply and broadcast encode with the documented layout", (t) => {
  const data = new Uint8Array([0, 1, 1, 1, 1, ...enc.encode("1"), ...enc.encode("2"), ...enc.encode("t"), ...enc.encode("e"), 9, 8]);
  const m = jsonV2.decode({ opcode: "binary", data });
  t.deepEqual({ ...m, payload: Array.from(m.payload as Uint8Array) }, { joinRef: "1", ref: "2", topic: "t", event: "e", payload: [9, 8] });
  const bytes = (f: Frame) => (f.opcode === "binary" ? Array.from(f.data) : f.data);
  t.deepEqual(bytes(jsonV2.encode({ joinRef: "1", ref: null, topic: "t", event: "e", payload: new Uint8Array([7]) })), [0, 1, 1, 1, 49, 116, 101, 7]);
  t.deepEqual(
    bytes(jsonV2.encode({ kind: "reply", joinRef: "1", ref: "2", topic: "t", status: "ok", response: new Uint8Array([7]) })),
    [1, 1, 1, 1, 2, 49, 50, 116, 111, 107, 7],
  );
  t.deepEqual(bytes(jsonV2.fastlane({ topic: "t", event: "e", payload: new Uint8Array([7]).buffer })), [2, 1, 1, 116, 101, 7]);
});

test("malformed input throws SerializerError with stable codes", (t) => {
  const code = (f: Frame) => (t.throws(() => jsonV2.decode(f), { instanceOf: SerializerError }) as SerializerError).code;
  t.is(code({ opcode: "text", data: "nope" }), "ERR_MALFORMED_FRAME");
  t.is(code({ opcode: "text", data: "[1,2,3]" }), "ERR_MALFORMED_FRAME");
  t.is(code({ opcode: "text", data: '[null,null,1,"e",{}]' }), "ERR_MALFORMED_FRAME");
  t.is(code({ opcode: "binary", data: new Uint8Array([1, 0, 0, 0, 0]) }), "ERR_BAD_KIND");
  t.is(code({ opcode: "binary", data: new Uint8Array([0, 9, 0, 0, 0]) }), "ERR_TRUNCATED");
  t.is(code({ opcode: "binary", data: new Uint8Array([0]) }), "ERR_TRUNCATED");
  t.is(code({ opcode: "binary", data: new Uint8Array([0, 1, 0, 0, 0, 0xff]) }), "ERR_MALFORMED_FRAME");
  const long = "x".repeat(256);
  t.is(
    (t.throws(() => jsonV2.encode({ joinRef: null, ref: null, topic: long, event: "e", payload: new Uint8Array(1) })) as SerializerError).code,
    "ERR_FIELD_TOO_LONG",
  );
});

test("V1: objects in and out, join_ref read but never written, no binary", (t) => {
  t.deepEqual(jsonV1.decode({ opcode: "text", data: '{"topic":"t","event":"e","payload":{},"ref":"1","join_ref":"2"}' }), {
    joinRef: "2",
    ref: "1",
    topic: "t",
    event: "e",
    payload: {},
  });
  t.deepEqual(JSON.parse((jsonV1.encode({ kind: "reply", joinRef: "2", ref: "1", topic: "t", status: "ok", response: { a: 1 } }) as { data: string }).data), {
    topic: "t",
    event: "phx_reply",
    payload: { status: "ok", response: { a: 1 } },
    ref: "1",
  });
  t.is((t.throws(() => jsonV1.decode({ opcode: "binary", data: new Uint8Array(3) })) as SerializerError).code, "ERR_BINARY_UNSUPPORTED");
  t.is((t.throws(() => jsonV1.decode({ opcode: "text", data: "[]" })) as SerializerError).code, "ERR_MALFORMED_FRAME");
  t.is((t.throws(() => jsonV1.fastlane({ topic: "t", event: "e", payload: new Uint8Array(1) })) as SerializerError).code, "ERR_BINARY_UNSUPPORTED");
});

test("V2 text encoding is exactly JSON.stringify of the array, whatever the strings and payloads", (t) => {
  const strings = ["1", "room:lobby", "", 'with "quotes"', "back\\slash", "new\nline", "é ünïcode", "emoji 🎉", "tab\t", "\u2028", "a-b.c_d e:f"];
  const payloads: unknown[] = [{}, { a: 1 }, [1, "x"], null, "s", 0, { nested: { deep: [true, false, null] } }, undefined, { skip: undefined, d: new Date(0) }];
  for (const s of strings) {
    for (const payload of payloads) {
      const push = jsonV2.encode({ joinRef: s, ref: null, topic: s, event: s, payload });
      t.is((push as { data: string }).data, JSON.stringify([s, null, s, s, payload]));
      const reply = jsonV2.encode({ kind: "reply", joinRef: null, ref: s, topic: s, status: s, response: payload });
      t.is((reply as { data: string }).data, JSON.stringify([null, s, s, "phx_reply", { status: s, response: payload }]));
    }
  }
});
