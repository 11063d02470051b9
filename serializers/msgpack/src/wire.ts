/**
 * The MessagePack envelope, shared by the server serializer and the client codec.
 *
 * Every message is one binary frame holding one MessagePack array, the V2 JSON
 * array in MessagePack clothing: `[join_ref, ref, topic, event, payload]`. A reply
 * is event `phx_reply` with payload `{status, response}`, exactly as in V2. Payloads
 * are plain data (nil, booleans, finite numbers, strings, arrays, maps with string
 * keys) plus MessagePack `bin` for bytes, at any depth. Extension types are refused.
 *
 * Nothing here may use Node-only APIs: the client entry imports it in browsers.
 */
import { Decoder, Encoder, type ExtensionCodecType, type ExtData } from "@msgpack/msgpack";
import { CodecError } from "./codec-error.js";
import { assertDepth } from "./depth-scan.js";

/** Default limit on payload nesting (arrays and maps inside one another). */
export const DEFAULT_MAX_DEPTH = 64;

/** One decoded envelope, before the caller adapts the payload to its side. */
export interface Envelope {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/**
 * Refuses every extension type both ways: a Date or an ArrayBuffer would otherwise
 * turn silently into an extension or an empty map, which no JSON serializer would do.
 */
const plainDataOnly: ExtensionCodecType<undefined> = {
  tryToEncode(object: unknown): ExtData | null {
    if (object instanceof ArrayBuffer) {
      throw new CodecError("ERR_UNENCODABLE", "nested ArrayBuffer values are not encoded; wrap them in a Uint8Array");
    }
    if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
      throw new CodecError("ERR_UNENCODABLE", "objects with toJSON (e.g. Date) are not converted; convert them to plain data first");
    }
    return null;
  },
  decode(_data: Uint8Array, type: number): never {
    throw new CodecError("ERR_UNSUPPORTED_TYPE", `MessagePack extension type ${type} is not accepted`);
  },
};

/** Encodes and decodes envelopes with one depth limit. Stateless between calls. */
export class EnvelopeCodec {
  private readonly encoder: Encoder;
  private readonly decoder: Decoder;

  constructor(readonly maxDepth: number = DEFAULT_MAX_DEPTH) {
    if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new CodecError("ERR_BAD_OPTION", "maxDepth must be a positive integer");
    // +1: the envelope array itself is one level.
    this.encoder = new Encoder({ extensionCodec: plainDataOnly, ignoreUndefined: true, maxDepth: maxDepth + 1 });
    this.decoder = new Decoder({ extensionCodec: plainDataOnly });
  }

  /** Encode an envelope. Throws `CodecError` `ERR_UNENCODABLE` for values that are not plain data. */
  encode(joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown): Uint8Array {
    try {
      return this.encoder.encode([joinRef, ref, topic, event, payload]);
    } catch (cause) {
      if (cause instanceof CodecError) throw cause;
      throw new CodecError("ERR_UNENCODABLE", "payload cannot be encoded as MessagePack", { cause });
    }
  }

  /**
   * Decode one frame. Returns a valid envelope or throws `CodecError`; the decoder's
   * own exceptions (RangeError on truncation, DecodeError, ...) never escape.
   */
  decode(bytes: Uint8Array): Envelope {
    // A plain view, so that `bin` values come out as Uint8Array even from a Buffer.
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // +1: the envelope array itself is one level.
    assertDepth(view, this.maxDepth + 1);
    let value: unknown;
    try {
      value = this.decoder.decode(view);
    } catch (cause) {
      if (cause instanceof CodecError) throw cause;
      throw new CodecError("ERR_MALFORMED_FRAME", "frame is not one valid MessagePack value", { cause });
    }
    if (!Array.isArray(value) || value.length !== 5) {
      throw new CodecError("ERR_MALFORMED_FRAME", "a message must be [join_ref, ref, topic, event, payload]");
    }
    const [joinRef, ref, topic, event, payload] = value as [unknown, unknown, unknown, unknown, unknown];
    if (typeof topic !== "string") throw new CodecError("ERR_MALFORMED_FRAME", "topic must be a string");
    if (typeof event !== "string") throw new CodecError("ERR_MALFORMED_FRAME", "event must be a string");
    checkPlainData(payload, this.maxDepth);
    return { joinRef: refField(joinRef, "join_ref"), ref: refField(ref, "ref"), topic, event, payload };
  }
}

function refField(value: unknown, name: string): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new CodecError("ERR_MALFORMED_FRAME", `${name} must be a string or nil`);
}

/** Throws unless `value` is plain data no deeper than `maxDepth` containers. */
function checkPlainData(value: unknown, maxDepth: number): void {
  // Iterative, so a hostile nesting depth costs no stack.
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (v === null || typeof v === "string" || typeof v === "boolean" || v instanceof Uint8Array) continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new CodecError("ERR_UNSUPPORTED_TYPE", "NaN and infinite numbers are not accepted");
      continue;
    }
    if (typeof v !== "object") throw new CodecError("ERR_UNSUPPORTED_TYPE", `a ${typeof v} is not plain data`);
    const depth = item.depth + 1;
    if (depth > maxDepth) throw new CodecError("ERR_TOO_DEEP", `payload nests deeper than ${maxDepth} levels`);
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) stack.push({ value: child, depth });
  }
}
