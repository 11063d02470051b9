import type { Frame } from "@fawkes/core";
import type { ClientCodec, ClientMessage, ServerMessage } from "../codec.js";

const PUSH = 0;
const REPLY = 1;
const BROADCAST = 2;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The client side of Phoenix V2 JSON (`vsn` 2.0.0), as the official `phoenix`
 * client speaks it: text frames `[join_ref, ref, topic, event, payload]`, and a
 * `Uint8Array` payload in a binary frame (kind 0 push from the client; kinds 0
 * push, 1 reply, 2 broadcast from the server). In binary frames an empty
 * `join_ref` or `ref` reads as null.
 */
export const jsonV2Codec: ClientCodec = {
  vsn: "2.0.0",
  joinRefFromServer: true,
  encode(message: ClientMessage): Frame {
    const { joinRef, ref, topic, event, payload } = message;
    if (payload instanceof Uint8Array) return { opcode: "binary", data: pack(PUSH, [joinRef ?? "", ref ?? "", topic, event], payload) };
    return { opcode: "text", data: JSON.stringify([joinRef, ref, topic, event, payload]) };
  },
  decode(frame: Frame): ServerMessage {
    if (frame.opcode === "binary") return decodeBinary(frame.data);
    const value: unknown = JSON.parse(frame.data);
    if (!Array.isArray(value) || value.length !== 5) throw new TypeError("a V2 message is a 5-element array");
    const [joinRef, ref, topic, event, payload] = value as unknown[];
    if (typeof topic !== "string" || typeof event !== "string") throw new TypeError("a V2 message needs a string topic and event");
    return { joinRef: refOrNull(joinRef), ref: refOrNull(ref), topic, event, payload };
  },
};

function refOrNull(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== "string") throw new TypeError("refs are strings or null");
  return value;
}

function pack(kind: number, fields: string[], payload: Uint8Array): Uint8Array {
  const encoded = fields.map((f) => new TextEncoder().encode(f));
  const size = 1 + encoded.length + encoded.reduce((n, f) => n + f.length, 0) + payload.length;
  const out = new Uint8Array(size);
  out[0] = kind;
  let offset = 1;
  for (const f of encoded) {
    if (f.length > 255) throw new RangeError("a V2 binary field is at most 255 bytes");
    out[offset++] = f.length;
  }
  for (const f of encoded) {
    out.set(f, offset);
    offset += f.length;
  }
  out.set(payload, offset);
  return out;
}

function decodeBinary(data: Uint8Array): ServerMessage {
  const kind = data[0];
  const count = kind === PUSH ? 3 : kind === REPLY ? 4 : kind === BROADCAST ? 2 : -1;
  if (count === -1) throw new TypeError(`unknown V2 binary kind ${String(kind)}`);
  if (data.length < 1 + count) throw new RangeError("V2 binary frame shorter than its header");
  let offset = 1 + count;
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = data[1 + i]!;
    if (offset + length > data.length) throw new RangeError("V2 binary header runs past the frame");
    fields.push(utf8.decode(data.subarray(offset, offset + length)));
    offset += length;
  }
  const rest = data.slice(offset);
  if (kind === PUSH) {
    const [joinRef, topic, event] = fields as [string, string, string];
    return { joinRef: joinRef === "" ? null : joinRef, ref: null, topic, event, payload: rest };
  }
  if (kind === REPLY) {
    const [joinRef, ref, topic, status] = fields as [string, string, string, string];
    return { joinRef: joinRef === "" ? null : joinRef, ref: ref === "" ? null : ref, topic, event: "phx_reply", payload: { status, response: rest } };
  }
  const [topic, event] = fields as [string, string];
  return { joinRef: null, ref: null, topic, event, payload: rest };
}
