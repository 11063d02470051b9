import { SerializerError, isReply, type Broadcast, type Frame, type Message, type Outbound, type Serializer } from "@fawkes/core";
import { fieldOrNull, parseJson, requireString } from "./fields.js";

/**
 * Phoenix V1 JSON (client `vsn` "1.0.0", the default when `vsn` is absent):
 * one text frame per message, an object `{topic, event, payload, ref, join_ref}`.
 * `join_ref` is read when present and never written. No binary payloads.
 */
export const jsonV1: Serializer = {
  name: "json-v1",
  vsn: ["~> 1.0.0"],
  binary: false,

  encode(message: Outbound): Frame {
    if (isReply(message)) {
      noBinary(message.response);
      return text({ topic: message.topic, event: "phx_reply", payload: { status: message.status, response: message.response }, ref: message.ref });
    }
    noBinary(message.payload);
    return text({ topic: message.topic, event: message.event, payload: message.payload, ref: message.ref });
  },

  fastlane(broadcast: Broadcast): Frame {
    noBinary(broadcast.payload);
    return text({ topic: broadcast.topic, event: broadcast.event, payload: broadcast.payload, ref: null });
  },

  decode(frame: Frame): Message {
    if (frame.opcode !== "text") throw new SerializerError("ERR_BINARY_UNSUPPORTED", "the V1 JSON serializer reads text frames only");
    const value = parseJson(frame.data);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new SerializerError("ERR_MALFORMED_FRAME", "a V1 message must be a JSON object");
    }
    const o = value as Record<string, unknown>;
    return {
      joinRef: fieldOrNull(o.join_ref, "join_ref"),
      ref: fieldOrNull(o.ref, "ref"),
      topic: requireString(o.topic, "topic"),
      event: requireString(o.event, "event"),
      payload: o.payload === undefined ? {} : o.payload,
    };
  },
};

function text(value: unknown): Frame {
  return { opcode: "text", data: JSON.stringify(value) };
}

function noBinary(payload: unknown): void {
  if (payload instanceof Uint8Array || payload instanceof ArrayBuffer) {
    throw new SerializerError("ERR_BINARY_UNSUPPORTED", "binary payloads need vsn 2.0.0 (V2 JSON) or a binary serializer");
  }
}
