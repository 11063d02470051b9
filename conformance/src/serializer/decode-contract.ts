/**
 * Checks a serializer package's own tests share: a phoenix-client codec called
 * synchronously, the `ERR_*` code a call throws, and the decode contract (a valid
 * message, or a typed error with an `ERR_*` code; nothing else).
 */
import { SerializerError, type Frame } from "@fawkes/core";
import { CodecError, type PhoenixClientMessage, type PhoenixCodec } from "@fawkes/core/codec";

/** `codec.decode` of a server frame; throws when the codec does not call back before it returns. */
export function phoenixDecode(codec: PhoenixCodec, frame: Frame): PhoenixClientMessage {
  let out: PhoenixClientMessage | undefined;
  codec.decode(frame.data, (m) => {
    out = m;
  });
  if (out === undefined) throw new Error("no callback");
  return out;
}

/** `codec.encode` of a client message (phoenix shape: `join_ref`, `ref`, ...) as a binary frame. */
export function phoenixEncode(codec: PhoenixCodec, message: object): Frame {
  let out: Uint8Array | undefined;
  codec.encode(message, (bytes) => {
    out = bytes;
  });
  if (out === undefined) throw new Error("no callback");
  return { opcode: "binary", data: out };
}

/**
 * The code `f` throws: a `SerializerError`'s or `CodecError`'s `code`, `not typed: ...`
 * for any other error, undefined when `f` returns.
 */
export function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof SerializerError || e instanceof CodecError ? e.code : `not typed: ${String(e)}`;
  }
  return undefined;
}

/**
 * The decode contract: true when `decode` returns true (it judged its result valid),
 * or throws an `errorType` whose code is `ERR_*`; false for any other outcome.
 */
export function withinDecodeContract(errorType: typeof SerializerError | typeof CodecError, decode: () => boolean): boolean {
  try {
    return decode();
  } catch (e) {
    return e instanceof errorType && /^ERR_[A-Z_]+$/.test(e.code);
  }
}

/** True when `codec` decodes `data` to a message with a string topic and event, or throws a CodecError with an `ERR_*` code. */
export function clientDecodesCleanly(codec: PhoenixCodec, data: Uint8Array): boolean {
  return withinDecodeContract(CodecError, () => {
    let ok = false;
    codec.decode(data, (m) => {
      ok = typeof m.topic === "string" && typeof m.event === "string";
    });
    return ok;
  });
}
