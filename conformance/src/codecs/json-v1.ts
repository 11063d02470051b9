import type { Frame } from "@fawkes/core";
import type { ClientCodec, ClientMessage, ServerMessage } from "../codec.js";

/**
 * The client side of Phoenix V1 JSON (`vsn` 1.0.0): text frames holding
 * `{topic, event, payload, ref, join_ref}`. The server never writes `join_ref`
 * in V1, so `joinRefFromServer` is false. No binary payloads.
 */
export const jsonV1Codec: ClientCodec = {
  vsn: "1.0.0",
  joinRefFromServer: false,
  encode(message: ClientMessage): Frame {
    if (message.payload instanceof Uint8Array) throw new TypeError("V1 JSON has no binary payloads");
    const { topic, event, payload, ref, joinRef } = message;
    return { opcode: "text", data: JSON.stringify({ topic, event, payload, ref, join_ref: joinRef }) };
  },
  decode(frame: Frame): ServerMessage {
    if (frame.opcode !== "text") throw new TypeError("V1 JSON servers send text frames only");
    const value: unknown = JSON.parse(frame.data);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError("a V1 message is a JSON object");
    const o = value as Record<string, unknown>;
    if (typeof o.topic !== "string" || typeof o.event !== "string") throw new TypeError("a V1 message needs a string topic and event");
    return { joinRef: ref(o.join_ref), ref: ref(o.ref), topic: o.topic, event: o.event, payload: o.payload };
  },
};

function ref(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new TypeError("refs are strings or null");
  return value;
}
