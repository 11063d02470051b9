import type { Frame, Message, Serializer } from "@fawkes/core";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { msgpackV2 } from "@fawkes/msgpack";
import { protobufV2 } from "@fawkes/protobuf";

/** One wire format the fixture server negotiates, seen from a client. */
export interface WireCodec {
  readonly name: string;
  readonly vsn: string;
  /** The server-side serializer (its `decode` is what fuzzing attacks). */
  readonly serializer: Serializer;
  /** A well-formed client frame for `message`. */
  frame(message: Message): Frame;
  /** True when `frame` (from the server) is the reply to client ref `ref`. */
  isReplyTo(frame: Frame, ref: string): boolean;
}

function codec(name: string, vsn: string, serializer: Serializer): WireCodec {
  return {
    name,
    vsn,
    serializer,
    // Every one of these formats writes a push the way a client writes it.
    frame: (message) => serializer.encode(message),
    isReplyTo(frame, ref) {
      try {
        const m = serializer.decode(frame);
        return m.event === "phx_reply" && m.ref === ref;
      } catch {
        return false; // a server-only frame kind (e.g. a V2 binary broadcast)
      }
    },
  };
}

/** Every serializer the fixture server offers, by client `vsn`. */
export const WIRE_CODECS: readonly WireCodec[] = [
  codec("json-v1", "1.0.0", jsonV1),
  codec("json-v2", "2.0.0", jsonV2),
  codec("msgpack", "2.0.0-msgpack", msgpackV2),
  codec("protobuf", "2.0.0-protobuf", protobufV2),
];

/** A heartbeat with `ref`: every live connection answers it. */
export function heartbeat(ref: string): Message {
  return { joinRef: null, ref, topic: "phoenix", event: "heartbeat", payload: {} };
}
