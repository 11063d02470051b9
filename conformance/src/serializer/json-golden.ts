import type { Frame } from "@fawkes/core";
import type { GoldenVector } from "./golden.js";

const text = (data: string): Frame => ({ opcode: "text", data });
const enc = new TextEncoder();
/** A binary frame from a list of byte values and ASCII strings. */
function bytes(...parts: (number | string)[]): Frame {
  const out: number[] = [];
  for (const p of parts)
    if (typeof p === "number") out.push(p);
    else out.push(...enc.encode(p));
  return { opcode: "binary", data: Uint8Array.from(out) };
}

/** Golden vectors for Phoenix V1 JSON (`vsn` 1.0.0), as Phoenix writes and reads them. */
export const jsonV1Golden: readonly GoldenVector[] = [
  {
    name: "join from a V1 client",
    kind: "decode",
    frame: text('{"topic":"room:lobby","event":"phx_join","payload":{},"ref":"1","join_ref":"1"}'),
    message: { joinRef: "1", ref: "1", topic: "room:lobby", event: "phx_join", payload: {} },
  },
  {
    name: "heartbeat without join_ref",
    kind: "decode",
    frame: text('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"2"}'),
    message: { joinRef: null, ref: "2", topic: "phoenix", event: "heartbeat", payload: {} },
  },
  {
    name: "ok reply",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "2", topic: "room:lobby", status: "ok", response: { joined: "room:lobby" } },
    frame: text('{"topic":"room:lobby","event":"phx_reply","payload":{"status":"ok","response":{"joined":"room:lobby"}},"ref":"2"}'),
    compare: "json",
  },
  {
    name: "push",
    kind: "encode",
    message: { joinRef: "1", ref: null, topic: "room:lobby", event: "joined", payload: { topic: "room:lobby" } },
    frame: text('{"topic":"room:lobby","event":"joined","payload":{"topic":"room:lobby"},"ref":null}'),
    compare: "json",
  },
  {
    name: "broadcast",
    kind: "fastlane",
    broadcast: { topic: "room:lobby", event: "new_msg", payload: { body: "hi" } },
    frame: text('{"topic":"room:lobby","event":"new_msg","payload":{"body":"hi"},"ref":null}'),
    compare: "json",
  },
];

/** Golden vectors for Phoenix V2 JSON (`vsn` 2.0.0), text and binary, byte for byte. */
export const jsonV2Golden: readonly GoldenVector[] = [
  {
    name: "join from the phoenix client",
    kind: "decode",
    frame: text('["1","1","room:lobby","phx_join",{}]'),
    message: { joinRef: "1", ref: "1", topic: "room:lobby", event: "phx_join", payload: {} },
  },
  {
    name: "heartbeat",
    kind: "decode",
    frame: text('[null,"5","phoenix","heartbeat",{}]'),
    message: { joinRef: null, ref: "5", topic: "phoenix", event: "heartbeat", payload: {} },
  },
  {
    name: "binary push from the client",
    kind: "decode",
    frame: bytes(0, 1, 1, 3, 4, "1", "2", "r:1", "echo", 0xde, 0xad),
    message: { joinRef: "1", ref: "2", topic: "r:1", event: "echo", payload: Uint8Array.of(0xde, 0xad) },
  },
  {
    name: "ok reply",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "2", topic: "room:lobby", status: "ok", response: { joined: "room:lobby" } },
    frame: text('["1","2","room:lobby","phx_reply",{"status":"ok","response":{"joined":"room:lobby"}}]'),
  },
  {
    name: "error reply without join_ref",
    kind: "encode",
    message: { kind: "reply", joinRef: null, ref: "3", topic: "nowhere", status: "error", response: { reason: "unmatched topic" } },
    frame: text('[null,"3","nowhere","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]'),
  },
  {
    name: "push",
    kind: "encode",
    message: { joinRef: "1", ref: null, topic: "room:lobby", event: "joined", payload: { topic: "room:lobby" } },
    frame: text('["1",null,"room:lobby","joined",{"topic":"room:lobby"}]'),
  },
  {
    name: "binary reply",
    kind: "encode",
    message: { kind: "reply", joinRef: "1", ref: "2", topic: "r:1", status: "ok", response: Uint8Array.of(1, 2, 3) },
    frame: bytes(1, 1, 1, 3, 2, "1", "2", "r:1", "ok", 1, 2, 3),
  },
  {
    name: "binary push",
    kind: "encode",
    message: { joinRef: "1", ref: null, topic: "r:1", event: "pushed", payload: Uint8Array.of(7) },
    frame: bytes(0, 1, 3, 6, "1", "r:1", "pushed", 7),
  },
  {
    name: "broadcast",
    kind: "fastlane",
    broadcast: { topic: "room:lobby", event: "new_msg", payload: { body: "hi" } },
    frame: text('[null,null,"room:lobby","new_msg",{"body":"hi"}]'),
  },
  {
    name: "binary broadcast",
    kind: "fastlane",
    broadcast: { topic: "r:1", event: "new_msg", payload: Uint8Array.of(9, 9) },
    frame: bytes(2, 3, 7, "r:1", "new_msg", 9, 9),
  },
];
