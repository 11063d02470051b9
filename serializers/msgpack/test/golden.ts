/**
 * Golden vectors and malformed frames for the MessagePack serializer, handed to the
 * conformance suite. The bytes are spelled out from the MessagePack spec, not made
 * by the library, so a change of encoding shows up here.
 */
import type { Frame } from "@fawkes/core";
import type { GoldenVector } from "@fawkes/conformance";

const utf8 = (s: string): number[] => Array.from(new TextEncoder().encode(s));
/** fixstr (under 32 bytes). */
const str = (s: string): number[] => [0xa0 | utf8(s).length, ...utf8(s)];
const NIL = 0xc0;
const frame = (...bytes: number[]): Frame => ({ opcode: "binary", data: Uint8Array.from(bytes) });

export const msgpackGolden: readonly GoldenVector[] = [
  {
    name: "phx_join with an empty payload",
    kind: "decode",
    frame: frame(0x95, ...str("1"), ...str("1"), ...str("room:lobby"), ...str("phx_join"), 0x80),
    message: { joinRef: "1", ref: "1", topic: "room:lobby", event: "phx_join", payload: {} },
  },
  {
    name: "heartbeat with join_ref nil",
    kind: "decode",
    frame: frame(0x95, NIL, ...str("2"), ...str("phoenix"), ...str("heartbeat"), 0x80),
    message: { joinRef: null, ref: "2", topic: "phoenix", event: "heartbeat", payload: {} },
  },
  {
    name: "binary push as bin 8",
    kind: "decode",
    frame: frame(0x95, ...str("1"), ...str("3"), ...str("room:bin"), ...str("upload"), 0xc4, 3, 1, 2, 3),
    message: { joinRef: "1", ref: "3", topic: "room:bin", event: "upload", payload: new Uint8Array([1, 2, 3]) },
  },
  {
    name: "ok reply",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "1", topic: "room:lobby", status: "ok", response: {} },
    frame: frame(0x95, ...str("1"), ...str("1"), ...str("room:lobby"), ...str("phx_reply"), 0x82, ...str("status"), ...str("ok"), ...str("response"), 0x80),
  },
  {
    name: "push with a null ref",
    kind: "encode",
    message: { joinRef: "1", ref: null, topic: "room:lobby", event: "joined", payload: { topic: "room:lobby" } },
    frame: frame(0x95, ...str("1"), NIL, ...str("room:lobby"), ...str("joined"), 0x81, ...str("topic"), ...str("room:lobby")),
  },
  {
    name: "binary reply response as bin 8",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "2", topic: "room:bin", status: "ok", response: new Uint8Array([1, 2, 3]) },
    frame: frame(
      0x95,
      ...str("1"),
      ...str("2"),
      ...str("room:bin"),
      ...str("phx_reply"),
      0x82,
      ...str("status"),
      ...str("ok"),
      ...str("response"),
      0xc4,
      3,
      1,
      2,
      3,
    ),
  },
  {
    name: "broadcast with nil refs",
    kind: "fastlane",
    broadcast: { topic: "room:lobby", event: "new_msg", payload: { body: "hi", n: 1 } },
    frame: frame(0x95, NIL, NIL, ...str("room:lobby"), ...str("new_msg"), 0x82, ...str("body"), ...str("hi"), ...str("n"), 0x01),
  },
];

const head = [0x95, NIL, NIL, ...str("t"), ...str("e")];

/** Frames the MessagePack serializer must refuse with a SerializerError. */
export const msgpackMalformed: readonly Frame[] = [
  { opcode: "text", data: '[null,null,"t","e",{}]' }, // a text frame
  frame(0xc1), // never-used type byte
  frame(0x94, NIL, NIL, ...str("t"), ...str("e")), // 4 elements
  frame(0x95, NIL, NIL, 0x01, ...str("e"), 0x80), // integer topic
  frame(0x95, NIL, 0xc3, ...str("t"), ...str("e"), 0x80), // boolean ref
  frame(...head, 0x80, NIL), // trailing byte
  frame(...head, 0xd4, 0x01, 0x00), // extension type
  frame(...head, 0xd6, 0xff, 0, 0, 0, 1), // timestamp extension
  frame(...head, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0), // NaN
  frame(...head, 0xc6, 0xff, 0xff, 0xff, 0xff), // bin 32 declaring 4 GB
  frame(0xdd, 0xff, 0xff, 0xff, 0xff), // array 32 declaring 4G items
  frame(...head, ...new Array<number>(100_000).fill(0x91), NIL), // nested 100 000 deep
];
