import { SerializerError, isReply, type Broadcast, type Frame, type Message, type Outbound, type Serializer } from "@fawkes/core";
import { CodecError } from "./codec-error.js";
import { EnvelopeCodec } from "./wire.js";
import { MSGPACK_VSN } from "./vsn.js";

/** Options of {@link msgpackSerializer}. */
export interface MsgpackSerializerOptions {
  /**
   * Client `vsn` values this serializer serves (exact strings or "~> X.Y.Z").
   * Default `["2.0.0-msgpack"]`.
   */
  readonly vsn?: readonly string[];
  /** Deepest payload nesting accepted from clients and encoded for them. Default 64. */
  readonly maxDepth?: number;
}

/**
 * A MessagePack serializer: every message is one binary frame holding the MessagePack
 * array `[join_ref, ref, topic, event, payload]` (replies: event `phx_reply`, payload
 * `{status, response}`), so it needs a transport with binary frames (WebSocket).
 * `Uint8Array` values travel as MessagePack `bin`, at any depth.
 *
 * `decode` returns a valid message or throws a `SerializerError` whose `code` is one
 * of `ERR_MALFORMED_FRAME`, `ERR_TEXT_FRAME`, `ERR_TOO_DEEP`, `ERR_UNSUPPORTED_TYPE`.
 * `encode`/`fastlane` throw `SerializerError` `ERR_UNENCODABLE` for a payload that is
 * not plain data (a `Date`, a nested `ArrayBuffer`, a bigint, a function).
 */
export function msgpackSerializer(options: MsgpackSerializerOptions = {}): Serializer {
  const vsn = [...(options.vsn ?? [MSGPACK_VSN])];
  if (vsn.length === 0 || vsn.some((v) => typeof v !== "string" || v === "")) {
    throw new SerializerError("ERR_BAD_OPTION", "vsn must be a non-empty list of non-empty strings");
  }
  const codec = guard(() => new EnvelopeCodec(options.maxDepth));

  return {
    name: "msgpack",
    vsn,
    binary: true,

    encode(message: Outbound): Frame {
      if (isReply(message)) {
        const payload = { status: message.status, response: bytesOrValue(message.response) };
        return frame(() => codec.encode(message.joinRef, message.ref, message.topic, "phx_reply", payload));
      }
      return frame(() => codec.encode(message.joinRef, message.ref, message.topic, message.event, bytesOrValue(message.payload)));
    },

    fastlane(broadcast: Broadcast): Frame {
      return frame(() => codec.encode(null, null, broadcast.topic, broadcast.event, bytesOrValue(broadcast.payload)));
    },

    decode(input: Frame): Message {
      if (input.opcode !== "binary") throw new SerializerError("ERR_TEXT_FRAME", "the MessagePack serializer reads binary frames only");
      return guard(() => codec.decode(input.data));
    },
  };
}

/** The MessagePack serializer with default options, serving vsn `2.0.0-msgpack`. */
export const msgpackV2: Serializer = msgpackSerializer();

function bytesOrValue(payload: unknown): unknown {
  return payload instanceof ArrayBuffer ? new Uint8Array(payload) : payload;
}

function frame(encode: () => Uint8Array): Frame {
  return { opcode: "binary", data: guard(encode, "ERR_UNENCODABLE") };
}

/** Runs `f`, turning a `CodecError` into the core's `SerializerError` with the same code. */
function guard<T>(f: () => T, fallbackCode = "ERR_MALFORMED_FRAME"): T {
  try {
    return f();
  } catch (cause) {
    if (cause instanceof CodecError) throw new SerializerError(cause.code, cause.message, { cause });
    throw new SerializerError(fallbackCode, "unexpected MessagePack failure", { cause });
  }
}
