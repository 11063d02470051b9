/**
 * The `fawkes.Envelope` codec (proto/fawkes.proto), shared by the server serializer
 * and the client codec. Hand-written over protobufjs's Writer and Reader; the tests
 * check it against protobufjs's own codec generated from the .proto text.
 *
 * Nothing here may use Node-only APIs: the client entry imports it in browsers.
 */
import protobuf from "protobufjs/minimal.js";
import type { Type } from "protobufjs";
import { CodecError } from "./codec-error.js";
import { wellFormed } from "./well-formed.js";
import { enter, expectWire, readValue, skipUnknown, writeValue } from "./json-value.js";
import { checkTypes, fitsType, readTyped, type ProtobufTypes } from "./typed-payloads.js";

/** Default limit on JSON payload nesting (objects and arrays inside one another). */
export const DEFAULT_MAX_DEPTH = 64;

const JOIN_REF_TAG = (1 << 3) | 2;
const REF_TAG = (2 << 3) | 2;
const TOPIC_TAG = (3 << 3) | 2;
const EVENT_TAG = (4 << 3) | 2;
const STATUS_TAG = (5 << 3) | 2;
const JSON_TAG = (6 << 3) | 2;
const BINARY_TAG = (7 << 3) | 2;
const TYPED_TAG = (8 << 3) | 2;

/** One envelope. `status` is set on replies only; the payload is then the response. */
export interface Envelope {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  /** The event; `phx_reply` when `status` is set. */
  readonly event: string;
  readonly status: string | null;
  /** JSON-compatible value, or a `Uint8Array` for a binary payload. */
  readonly payload: unknown;
}

/** Options shared by the server serializer and the client codec. */
export interface EnvelopeOptions {
  /** Event name -> protobufjs Type for typed payloads. Both sides must use the same map. */
  readonly types?: ProtobufTypes;
  /** Deepest JSON payload nesting encoded and accepted. Default 64. */
  readonly maxDepth?: number;
}

/** Encodes and decodes envelopes under one set of options. Stateless between calls. */
export class EnvelopeCodec {
  private readonly types: ReadonlyMap<string, Type>;
  private readonly maxDepth: number;

  constructor(options: EnvelopeOptions = {}) {
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new CodecError("ERR_BAD_OPTION", "maxDepth must be a positive integer");
    this.maxDepth = maxDepth;
    this.types = checkTypes(options.types);
  }

  /** Encode one envelope. Throws `CodecError` (`ERR_UNENCODABLE`, `ERR_TOO_DEEP`) for payloads that cannot travel. */
  encode(envelope: Envelope): Uint8Array {
    const w = protobuf.Writer.create();
    if (envelope.joinRef !== null) w.uint32(JOIN_REF_TAG).string(wellFormed(envelope.joinRef));
    if (envelope.ref !== null) w.uint32(REF_TAG).string(wellFormed(envelope.ref));
    if (envelope.topic !== "") w.uint32(TOPIC_TAG).string(wellFormed(envelope.topic));
    if (envelope.status !== null) w.uint32(STATUS_TAG).string(wellFormed(envelope.status));
    else if (envelope.event !== "") w.uint32(EVENT_TAG).string(wellFormed(envelope.event));
    const payload = envelope.payload;
    const type = envelope.status === null ? this.types.get(envelope.event) : undefined;
    if (payload instanceof ArrayBuffer) {
      w.uint32(BINARY_TAG).bytes(new Uint8Array(payload));
    } else if (ArrayBuffer.isView(payload)) {
      w.uint32(BINARY_TAG).bytes(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    } else if (isEmptyObject(payload)) {
      // Absent payload reads as {}: the commonest payload costs nothing.
    } else if (type !== undefined && fitsType(type, payload)) {
      w.uint32(TYPED_TAG).fork();
      type.encode(payload as Record<string, unknown>, w);
      w.ldelim();
    } else {
      w.uint32(JSON_TAG).fork();
      writeValue(w, payload, 0, this.maxDepth);
      w.ldelim();
    }
    return w.finish();
  }

  /**
   * Decode one frame. Returns a valid envelope or throws `CodecError`; protobufjs's
   * own exceptions (RangeError on truncation, bad wire types) never escape.
   */
  decode(bytes: Uint8Array): Envelope {
    try {
      return this.read(bytes);
    } catch (cause) {
      if (cause instanceof CodecError) throw cause;
      throw new CodecError("ERR_MALFORMED_FRAME", "frame is not a valid fawkes.Envelope", { cause });
    }
  }

  private read(bytes: Uint8Array): Envelope {
    // A plain view: protobufjs then reads with its portable Reader, and bytes come out as Uint8Array.
    const r = protobuf.Reader.create(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    let joinRef: string | null = null;
    let ref: string | null = null;
    let topic = "";
    let event = "";
    let status: string | null = null;
    let payload: unknown = EMPTY;
    let typed: Uint8Array | null = null;
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          expectWire(tag, 2);
          joinRef = r.stringVerify();
          break;
        case 2:
          expectWire(tag, 2);
          ref = r.stringVerify();
          break;
        case 3:
          expectWire(tag, 2);
          topic = r.stringVerify();
          break;
        case 4:
          expectWire(tag, 2);
          event = r.stringVerify();
          break;
        case 5:
          expectWire(tag, 2);
          status = r.stringVerify();
          break;
        case 6:
          expectWire(tag, 2);
          payload = readValue(r, r.uint32(), 0, this.maxDepth);
          typed = null;
          break;
        case 7:
          expectWire(tag, 2);
          payload = readBytes(r);
          typed = null;
          break;
        case 8:
          expectWire(tag, 2);
          typed = readBytes(r);
          break;
        default:
          skipUnknown(r, tag);
      }
    }
    if (topic === "") throw new CodecError("ERR_MALFORMED_FRAME", "topic is missing");
    if (status === null && event === "") throw new CodecError("ERR_MALFORMED_FRAME", "event is missing");
    if (status !== null) event = "phx_reply";
    if (typed !== null) {
      const type = status === null ? this.types.get(event) : undefined;
      if (type === undefined) throw new CodecError("ERR_MALFORMED_FRAME", `a typed payload for event ${JSON.stringify(event)}, which has no registered type`);
      payload = readTyped(type, typed);
    }
    return { joinRef, ref, topic, event, status, payload: payload === EMPTY ? {} : payload };
  }
}

const EMPTY: unique symbol = Symbol("empty payload");

function readBytes(r: protobuf.Reader): Uint8Array {
  const outer = enter(r, r.uint32());
  const bytes = r.buf.slice(r.pos, r.len); // a copy: the payload must not pin the frame
  r.pos = r.len;
  r.len = outer;
  return bytes;
}

function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
