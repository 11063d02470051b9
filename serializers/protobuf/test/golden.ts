/**
 * Golden vectors and malformed frames for the protobuf serializer, handed to the
 * conformance suite. The bytes are spelled out from proto/fawkes.proto and the
 * protobuf wire format, not made by the code under test.
 */
import type { Frame } from "@fawkes/core";
import type { GoldenVector } from "@fawkes/conformance";

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
/** A length-delimited field (lengths under 128). */
const ld = (field: number, bytes: number[]): number[] => [(field << 3) | 2, bytes.length, ...bytes];
const s = (field: number, text: string): number[] => ld(field, utf8(text));
const frame = (...bytes: number[]): Frame => ({ opcode: "binary", data: Uint8Array.from(bytes) });
const JOIN_REF = 1,
  REF = 2,
  TOPIC = 3,
  EVENT = 4,
  STATUS = 5,
  JSON_VALUE = 6,
  BINARY = 7;
/** fawkes.Value fields. */
const stringValue = (text: string): number[] => s(3, text);
const struct = (entries: [string, number[]][]): number[] =>
  ld(
    5,
    entries.flatMap(([k, v]) => ld(1, [...s(1, k), ...ld(2, v)])),
  );

export const protobufGolden: readonly GoldenVector[] = [
  {
    name: "phx_join with an empty payload (payload absent)",
    kind: "decode",
    frame: frame(...s(JOIN_REF, "1"), ...s(REF, "1"), ...s(TOPIC, "room:lobby"), ...s(EVENT, "phx_join")),
    message: { joinRef: "1", ref: "1", topic: "room:lobby", event: "phx_join", payload: {} },
  },
  {
    name: "heartbeat without join_ref",
    kind: "decode",
    frame: frame(...s(REF, "2"), ...s(TOPIC, "phoenix"), ...s(EVENT, "heartbeat")),
    message: { joinRef: null, ref: "2", topic: "phoenix", event: "heartbeat", payload: {} },
  },
  {
    name: "binary push",
    kind: "decode",
    frame: frame(...s(JOIN_REF, "1"), ...s(REF, "3"), ...s(TOPIC, "room:bin"), ...s(EVENT, "upload"), ...ld(BINARY, [1, 2, 3])),
    message: { joinRef: "1", ref: "3", topic: "room:bin", event: "upload", payload: new Uint8Array([1, 2, 3]) },
  },
  {
    name: "fields in any order, unknown fields skipped",
    kind: "decode",
    frame: frame(...s(EVENT, "e"), 0x78, 0x05, ...ld(JSON_VALUE, stringValue("x")), ...s(TOPIC, "t")),
    message: { joinRef: null, ref: null, topic: "t", event: "e", payload: "x" },
  },
  {
    name: "ok reply with an empty response",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "1", topic: "room:lobby", status: "ok", response: {} },
    frame: frame(...s(JOIN_REF, "1"), ...s(REF, "1"), ...s(TOPIC, "room:lobby"), ...s(STATUS, "ok")),
  },
  {
    name: "push with a null ref",
    kind: "encode",
    message: { joinRef: "1", ref: null, topic: "room:lobby", event: "joined", payload: { topic: "room:lobby" } },
    frame: frame(...s(JOIN_REF, "1"), ...s(TOPIC, "room:lobby"), ...s(EVENT, "joined"), ...ld(JSON_VALUE, struct([["topic", stringValue("room:lobby")]]))),
  },
  {
    name: "binary reply",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "2", topic: "room:bin", status: "ok", response: new Uint8Array([1, 2, 3]) },
    frame: frame(...s(JOIN_REF, "1"), ...s(REF, "2"), ...s(TOPIC, "room:bin"), ...s(STATUS, "ok"), ...ld(BINARY, [1, 2, 3])),
  },
  {
    name: "broadcast without refs",
    kind: "fastlane",
    broadcast: { topic: "room:lobby", event: "new_msg", payload: { body: "hi" } },
    frame: frame(...s(TOPIC, "room:lobby"), ...s(EVENT, "new_msg"), ...ld(JSON_VALUE, struct([["body", stringValue("hi")]]))),
  },
];

const head = [...s(TOPIC, "t"), ...s(EVENT, "e")];

/** Frames the protobuf serializer must refuse with a SerializerError. */
export const protobufMalformed: readonly Frame[] = [
  { opcode: "text", data: '[null,null,"t","e",{}]' }, // a text frame
  frame(...s(TOPIC, "t")), // no event
  frame(...s(EVENT, "e")), // no topic
  frame(0x00, 0x01), // field number 0
  frame(0x18, 0x01, ...s(EVENT, "e")), // topic with a varint wire type
  frame(...ld(TOPIC, [0xc3, 0x28]), ...s(EVENT, "e")), // topic not UTF-8
  frame(...head, 0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f), // bytes declaring 4 GB
  frame(...head, 0x0c), // stray end-group
  frame(...head, 0x32, 0x09, 0x11, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f), // NaN number_value
  frame(...head, 0x42, 0x00), // typed payload, no type registered
];
