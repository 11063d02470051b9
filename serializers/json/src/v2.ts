import { SerializerError, isReply, type Broadcast, type Frame, type Message, type Outbound, type Serializer } from "@fawkes/core";
import { fieldOrNull, parseJson, requireString } from "./fields.js";

const PUSH = 0;
const REPLY = 1;
const BROADCAST = 2;

/**
 * Phoenix V2 JSON (client `vsn` "2.0.0"): text frames are arrays
 * `[join_ref, ref, topic, event, payload]`; a `Uint8Array` (or `ArrayBuffer`)
 * payload travels in a binary frame in both directions (docs/PROTOCOL.md section 2),
 * where every header field is at most 255 bytes.
 *
 * Errors (`SerializerError.code`): `ERR_MALFORMED_FRAME` (not a 5-element array,
 * wrong field types), `ERR_BAD_KIND` (a binary frame whose kind byte is not a
 * push), `ERR_TRUNCATED` (binary header longer than the frame),
 * `ERR_FIELD_TOO_LONG` (encoding a binary frame with a field over 255 bytes).
 */
export const jsonV2: Serializer = {
  name: "json-v2",
  vsn: ["~> 2.0.0"],
  binary: false,

  encode(message: Outbound): Frame {
    if (isReply(message)) {
      const { joinRef, ref, topic, status, response } = message;
      const bytes = asBytes(response);
      if (bytes !== null) return binary(REPLY, [joinRef ?? "", ref ?? "", topic, status], bytes);
      // Same text as JSON.stringify([joinRef, ref, topic, "phx_reply", {status, response}]),
      // built around one stringify of the response: replies are the hot path.
      const body = JSON.stringify(response);
      return {
        opcode: "text",
        data: `[${str(joinRef)},${str(ref)},${str(topic)},"phx_reply",{"status":${str(status)}${body === undefined ? "" : `,"response":${body}`}}]`,
      };
    }
    const bytes = asBytes(message.payload);
    if (bytes !== null) return binary(PUSH, [message.joinRef ?? "", message.topic, message.event], bytes);
    const body = JSON.stringify(message.payload) ?? "null";
    return { opcode: "text", data: `[${str(message.joinRef)},${str(message.ref)},${str(message.topic)},${str(message.event)},${body}]` };
  },

  fastlane(broadcast: Broadcast): Frame {
    const bytes = asBytes(broadcast.payload);
    if (bytes !== null) return binary(BROADCAST, [broadcast.topic, broadcast.event], bytes);
    return text([null, null, broadcast.topic, broadcast.event, broadcast.payload]);
  },

  decode(frame: Frame): Message {
    return frame.opcode === "text" ? decodeText(frame.data) : decodeBinary(frame.data);
  },
};

function decodeText(data: string): Message {
  const value = parseJson(data);
  if (!Array.isArray(value) || value.length !== 5) {
    throw new SerializerError("ERR_MALFORMED_FRAME", "a V2 message must be [join_ref, ref, topic, event, payload]");
  }
  return {
    joinRef: fieldOrNull(value[0], "join_ref"),
    ref: fieldOrNull(value[1], "ref"),
    topic: requireString(value[2], "topic"),
    event: requireString(value[3], "event"),
    payload: value[4],
  };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeBinary(data: Uint8Array): Message {
  if (data.length < 5) throw new SerializerError("ERR_TRUNCATED", "binary frame shorter than its header");
  if (data[0] !== PUSH) throw new SerializerError("ERR_BAD_KIND", `binary frame kind ${data[0]} is not a push (0)`);
  const lengths = [data[1]!, data[2]!, data[3]!, data[4]!];
  let offset = 5;
  const fields: string[] = [];
  for (const length of lengths) {
    if (offset + length > data.length) throw new SerializerError("ERR_TRUNCATED", "binary frame header runs past its end");
    try {
      fields.push(utf8.decode(data.subarray(offset, offset + length)));
    } catch (cause) {
      throw new SerializerError("ERR_MALFORMED_FRAME", "binary frame header is not UTF-8", { cause });
    }
    offset += length;
  }
  const [joinRef, ref, topic, event] = fields as [string, string, string, string];
  return { joinRef: joinRef === "" ? null : joinRef, ref: ref === "" ? null : ref, topic, event, payload: data.subarray(offset) };
}

function asBytes(payload: unknown): Uint8Array | null {
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  return null;
}

/** Strings made only of these characters need no JSON escaping. */
const PLAIN = /^[\w:.\- ]*$/;

/** A ref, topic or event as JSON: quoted directly when nothing needs escaping. */
function str(value: string | null): string {
  if (value === null) return "null";
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

function text(value: unknown): Frame {
  return { opcode: "text", data: JSON.stringify(value) };
}

function binary(kind: number, fields: string[], payload: Uint8Array): Frame {
  const encoded = fields.map((f) => Buffer.from(f, "utf8"));
  let size = 1 + fields.length + payload.length;
  for (const f of encoded) {
    if (f.length > 255) throw new SerializerError("ERR_FIELD_TOO_LONG", `a binary frame field is ${f.length} bytes; the limit is 255`);
    size += f.length;
  }
  const out = new Uint8Array(size);
  out[0] = kind;
  let offset = 1;
  for (const f of encoded) out[offset++] = f.length;
  for (const f of encoded) {
    out.set(f, offset);
    offset += f.length;
  }
  out.set(payload, offset);
  return { opcode: "binary", data: out };
}
