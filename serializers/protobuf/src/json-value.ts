/**
 * JSON values as `fawkes.Value` (wire-compatible with google.protobuf.Value), written
 * and read by hand over protobufjs's Writer and Reader: this keeps one object per
 * JSON node (no intermediate message objects) and lets us bound nesting ourselves.
 */
import type protobuf from "protobufjs/minimal.js";
import { CodecError } from "./codec-error.js";
import { wellFormed } from "./well-formed.js";

type Writer = protobuf.Writer;
type Reader = protobuf.Reader;

// Tags: (field number << 3) | wire type.
const NULL_TAG = (1 << 3) | 0;
const NUMBER_TAG = (2 << 3) | 1;
const STRING_TAG = (3 << 3) | 2;
const BOOL_TAG = (4 << 3) | 0;
const STRUCT_TAG = (5 << 3) | 2;
const LIST_TAG = (6 << 3) | 2;
const ENTRY_TAG = (1 << 3) | 2; // Struct.fields and ListValue.values are both field 1
const KEY_TAG = (1 << 3) | 2;
const VALUE_TAG = (2 << 3) | 2;

/**
 * Write the fields of one Value for `value`, following JSON.stringify: `toJSON` is
 * honoured, `undefined`/functions/symbols are dropped from objects and become null
 * elsewhere, non-finite numbers become null. Bytes are only allowed as a whole payload.
 */
export function writeValue(w: Writer, value: unknown, depth: number, maxDepth: number): void {
  switch (typeof value) {
    case "string":
      w.uint32(STRING_TAG).string(wellFormed(value));
      return;
    case "number":
      if (Number.isFinite(value)) w.uint32(NUMBER_TAG).double(value);
      else w.uint32(NULL_TAG).uint32(0);
      return;
    case "boolean":
      w.uint32(BOOL_TAG).bool(value);
      return;
    case "bigint":
      throw new CodecError("ERR_UNENCODABLE", "a bigint is not JSON-compatible");
    case "object":
      break;
    default:
      w.uint32(NULL_TAG).uint32(0);
      return; // undefined, function, symbol
  }
  if (value === null) {
    w.uint32(NULL_TAG).uint32(0);
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    writeValue(w, toJSON.call(value), depth, maxDepth);
    return;
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    throw new CodecError("ERR_UNENCODABLE", "binary data travels only as the whole payload, not inside a JSON value");
  }
  if (depth >= maxDepth) throw new CodecError("ERR_TOO_DEEP", `payload nests deeper than ${maxDepth} levels`);
  if (Array.isArray(value)) {
    w.uint32(LIST_TAG).fork();
    for (const item of value) {
      w.uint32(ENTRY_TAG).fork();
      writeValue(w, item, depth + 1, maxDepth);
      w.ldelim();
    }
    w.ldelim();
    return;
  }
  w.uint32(STRUCT_TAG).fork();
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    const item = object[key];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    w.uint32(ENTRY_TAG).fork().uint32(KEY_TAG).string(wellFormed(key)).uint32(VALUE_TAG).fork();
    writeValue(w, item, depth + 1, maxDepth);
    w.ldelim().ldelim();
  }
  w.ldelim();
}

/**
 * Read one Value message of `length` bytes at the reader's position. A Value with no
 * kind reads as null (as google.protobuf.Value's default); unknown fields are skipped.
 */
export function readValue(r: Reader, length: number, depth: number, maxDepth: number): unknown {
  const outer = enter(r, length);
  let result: unknown = null;
  while (r.pos < r.len) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1:
        expectWire(tag, 0);
        r.skip();
        result = null;
        break;
      case 2: {
        expectWire(tag, 1);
        const n = r.double();
        if (!Number.isFinite(n)) throw new CodecError("ERR_UNSUPPORTED_TYPE", "NaN and infinite numbers are not JSON values");
        result = n;
        break;
      }
      case 3:
        expectWire(tag, 2);
        result = r.stringVerify();
        break;
      case 4:
        expectWire(tag, 0);
        result = r.bool();
        break;
      case 5:
        expectWire(tag, 2);
        result = readStruct(r, r.uint32(), nested(depth, maxDepth), maxDepth);
        break;
      case 6:
        expectWire(tag, 2);
        result = readList(r, r.uint32(), nested(depth, maxDepth), maxDepth);
        break;
      default:
        skipUnknown(r, tag);
    }
  }
  r.len = outer;
  return result;
}

function readStruct(r: Reader, length: number, depth: number, maxDepth: number): Record<string, unknown> {
  const outer = enter(r, length);
  const object: Record<string, unknown> = {};
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag !== ENTRY_TAG) {
      skipUnknown(r, tag);
      continue;
    }
    const entryOuter = enter(r, r.uint32());
    let key = "";
    let value: unknown = null;
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t === KEY_TAG) key = r.stringVerify();
      else if (t === VALUE_TAG) value = readValue(r, r.uint32(), depth, maxDepth);
      else skipUnknown(r, t);
    }
    r.len = entryOuter;
    // An own property even for "__proto__", as JSON.parse does.
    if (key === "__proto__") Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    else object[key] = value;
  }
  r.len = outer;
  return object;
}

function readList(r: Reader, length: number, depth: number, maxDepth: number): unknown[] {
  const outer = enter(r, length);
  const list: unknown[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ENTRY_TAG) list.push(readValue(r, r.uint32(), depth, maxDepth));
    else skipUnknown(r, tag);
  }
  r.len = outer;
  return list;
}

/** Narrow the reader to the next `length` bytes; returns the outer limit to restore. */
export function enter(r: Reader, length: number): number {
  const outer = r.len;
  if (length > outer - r.pos) throw new CodecError("ERR_MALFORMED_FRAME", "a length-delimited field runs past its end");
  r.len = r.pos + length;
  return outer;
}

/** Throws `ERR_MALFORMED_FRAME` unless `tag` carries wire type `wire`. */
export function expectWire(tag: number, wire: number): void {
  if ((tag & 7) !== wire) throw new CodecError("ERR_MALFORMED_FRAME", `field ${tag >>> 3} has wire type ${tag & 7}, expected ${wire}`);
}

/** Skip a field we do not know (forward compatibility); field 0 is never valid. */
export function skipUnknown(r: Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new CodecError("ERR_MALFORMED_FRAME", "field number 0 is not valid");
  r.skipType(tag & 7);
}

function nested(depth: number, maxDepth: number): number {
  if (depth >= maxDepth) throw new CodecError("ERR_TOO_DEEP", `payload nests deeper than ${maxDepth} levels`);
  return depth + 1;
}
