import { SerializerError, isReply, type Broadcast, type Frame, type Message, type Outbound, type Serializer } from "@fawkes/core";
import { CodecError } from "./codec-error.js";
import { EnvelopeCodec, type Envelope, type EnvelopeOptions } from "./envelope.js";
import { PROTOBUF_VSN } from "./vsn.js";

/** Options of {@link protobufSerializer}. */
export interface ProtobufSerializerOptions extends EnvelopeOptions {
  /**
   * Client `vsn` values this serializer serves (exact strings or "~> X.Y.Z").
   * Default `["2.0.0-protobuf"]`. With typed payloads, name your schema in it
   * (e.g. `["2.0.0-protobuf+chat.1"]`) so clients built against another schema get
   * a clean 403 instead of misread payloads.
   */
  readonly vsn?: readonly string[];
}

/**
 * A protobuf serializer: every message is one binary frame holding a
 * `fawkes.Envelope` (proto/fawkes.proto), so it needs a transport with binary
 * frames (WebSocket). Payloads are JSON values (`fawkes.Value`), bytes for
 * `Uint8Array` payloads, or, for events listed in `types`, the application's own
 * message type when the payload fits it losslessly.
 *
 * `decode` returns a valid message or throws a `SerializerError` whose `code` is one
 * of `ERR_MALFORMED_FRAME`, `ERR_TEXT_FRAME`, `ERR_TOO_DEEP`, `ERR_UNSUPPORTED_TYPE`.
 * `encode`/`fastlane` throw `SerializerError` `ERR_UNENCODABLE` or `ERR_TOO_DEEP` for a
 * payload that cannot travel (a bigint, bytes nested inside a JSON value, too deep).
 * Configuration mistakes throw `SerializerError` `ERR_BAD_OPTION` at once.
 */
export function protobufSerializer(options: ProtobufSerializerOptions = {}): Serializer {
  const vsn = [...(options.vsn ?? [PROTOBUF_VSN])];
  if (vsn.length === 0 || vsn.some((v) => typeof v !== "string" || v === "")) {
    throw new SerializerError("ERR_BAD_OPTION", "vsn must be a non-empty list of non-empty strings");
  }
  const codec = guard(() => new EnvelopeCodec(options), "ERR_BAD_OPTION");
  const encode = (envelope: Envelope): Frame => ({ opcode: "binary", data: guard(() => codec.encode(envelope), "ERR_UNENCODABLE") });

  return {
    name: "protobuf",
    vsn,
    binary: true,

    encode(message: Outbound): Frame {
      if (isReply(message)) {
        const { joinRef, ref, topic, status, response } = message;
        return encode({ joinRef, ref, topic, event: "phx_reply", status, payload: response });
      }
      const { joinRef, ref, topic, event, payload } = message;
      return encode({ joinRef, ref, topic, event, status: null, payload });
    },

    fastlane(broadcast: Broadcast): Frame {
      return encode({ joinRef: null, ref: null, topic: broadcast.topic, event: broadcast.event, status: null, payload: broadcast.payload });
    },

    decode(frame: Frame): Message {
      if (frame.opcode !== "binary") throw new SerializerError("ERR_TEXT_FRAME", "the protobuf serializer reads binary frames only");
      const e = guard(() => codec.decode(frame.data), "ERR_MALFORMED_FRAME");
      const payload = e.status === null ? e.payload : { status: e.status, response: e.payload };
      return { joinRef: e.joinRef, ref: e.ref, topic: e.topic, event: e.event, payload };
    },
  };
}

/** The protobuf serializer with default options (no typed payloads), serving vsn `2.0.0-protobuf`. */
export const protobufV2: Serializer = protobufSerializer();

/** Runs `f`, turning a `CodecError` into the core's `SerializerError` with the same code. */
function guard<T>(f: () => T, fallbackCode: string): T {
  try {
    return f();
  } catch (cause) {
    if (cause instanceof CodecError) throw new SerializerError(cause.code, cause.message, { cause });
    throw new SerializerError(fallbackCode, "unexpected protobuf failure", { cause });
  }
}
