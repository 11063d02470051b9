import { FawkesError, type Broadcast } from "@fawkes/core";

/**
 * The bytes of one broadcast on a Redis channel:
 *
 * ```
 * byte 0      kind: 0x4A "J" (JSON payload) or 0x42 "B" (binary payload)
 * bytes 1..4  header length H, unsigned 32-bit big-endian
 * H bytes     header: UTF-8 JSON [origin node, topic, event]
 * the rest    payload: UTF-8 JSON text (J) or the raw payload bytes (B)
 * ```
 *
 * The header comes first so a node can skip its own broadcasts (and any
 * broadcast it cannot read) without parsing the payload.
 */
export const KIND_JSON = 0x4a;
/** See {@link KIND_JSON}. */
export const KIND_BINARY = 0x42;

const PREFIX = 5;

/** The header of an envelope, read without touching the payload. */
export interface EnvelopeHeader {
  readonly kind: typeof KIND_JSON | typeof KIND_BINARY;
  readonly node: string;
  readonly topic: string;
  readonly event: string;
  /** Where the payload starts in the envelope. */
  readonly payloadOffset: number;
}

/**
 * Encodes `broadcast`, published by `node`. A `Uint8Array` or `ArrayBuffer`
 * payload travels as raw bytes; anything else as JSON (`undefined` becomes
 * `null`). Throws `ERR_PUBSUB_ENCODE` for a payload JSON cannot write (a
 * `BigInt`, a cycle, a throwing `toJSON`).
 */
export function encodeEnvelope(node: string, broadcast: Broadcast): Buffer {
  const header = Buffer.from(JSON.stringify([node, broadcast.topic, broadcast.event]), "utf8");
  const bytes = binaryPayload(broadcast.payload);
  let body: Buffer;
  if (bytes !== undefined) {
    body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } else {
    let text: string | undefined;
    try {
      text = JSON.stringify(broadcast.payload);
    } catch (cause) {
      throw new FawkesError("ERR_PUBSUB_ENCODE", `the payload of ${broadcast.event} on ${broadcast.topic} cannot be written as JSON`, { cause });
    }
    body = Buffer.from(text ?? "null", "utf8");
  }
  const prefix = Buffer.allocUnsafe(PREFIX);
  prefix[0] = bytes === undefined ? KIND_JSON : KIND_BINARY;
  prefix.writeUInt32BE(header.length, 1);
  return Buffer.concat([prefix, header, body], PREFIX + header.length + body.length);
}

/** Reads the header of an envelope; throws `ERR_PUBSUB_MALFORMED` when it is not one. */
export function readHeader(envelope: Buffer): EnvelopeHeader {
  if (envelope.length < PREFIX) malformed("shorter than its prefix");
  const kind = envelope[0];
  if (kind !== KIND_JSON && kind !== KIND_BINARY) malformed(`unknown kind byte ${String(kind)}`);
  const length = envelope.readUInt32BE(1);
  if (PREFIX + length > envelope.length) malformed("header runs past the end");
  let fields: unknown;
  try {
    fields = JSON.parse(envelope.toString("utf8", PREFIX, PREFIX + length));
  } catch (cause) {
    malformed("header is not JSON", cause);
  }
  if (!Array.isArray(fields) || fields.length !== 3 || !fields.every((f) => typeof f === "string")) {
    malformed("header is not [node, topic, event]");
  }
  const [node, topic, event] = fields as [string, string, string];
  return { kind, node, topic, event, payloadOffset: PREFIX + length };
}

/** Reads the whole broadcast of an envelope whose header is `header`; throws `ERR_PUBSUB_MALFORMED`. */
export function readBroadcast(envelope: Buffer, header: EnvelopeHeader): Broadcast {
  const { topic, event } = header;
  if (header.kind === KIND_BINARY) {
    // A copy: the envelope may be a view into a buffer ioredis reuses.
    return { topic, event, payload: new Uint8Array(envelope.subarray(header.payloadOffset)) };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(envelope.toString("utf8", header.payloadOffset));
  } catch (cause) {
    malformed("payload is not JSON", cause);
  }
  return { topic, event, payload };
}

function binaryPayload(payload: unknown): Uint8Array | undefined {
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  return undefined;
}

function malformed(what: string, cause?: unknown): never {
  throw new FawkesError("ERR_PUBSUB_MALFORMED", `not a Fawkes broadcast envelope: ${what}`, cause === undefined ? {} : { cause });
}
