/**
 * Application message types for the payloads of chosen events ("typed payloads").
 *
 * A payload is written with its event's type only when reading it back gives the
 * very same value: a plain object holding every field of the type that protobuf
 * would otherwise fill with a default (all fields outside a `oneof`; proto3
 * `optional` fields may be left out), no other keys, no nulls, and values the
 * field's type carries exactly (integers in range, `float`s that are float32,
 * `bytes` as Uint8Array, enum numbers, well-formed strings), at every level.
 * Anything else falls back to a JSON value, so registering a type never changes
 * what the other side receives; it only makes matching payloads smaller.
 */
import type { Enum, Field, IConversionOptions, Type } from "protobufjs";
import { CodecError } from "./codec-error.js";
import { isWellFormed } from "./well-formed.js";

/** Event name -> protobufjs message type used for that event's payloads. */
export type ProtobufTypes = Readonly<Record<string, Type>>;

// defaults: true restores the fields protobuf leaves off the wire ("" / 0 / false / [] / {}).
const TO_OBJECT: IConversionOptions = { longs: Number, defaults: true, arrays: true, objects: true };
const MAX_TYPED_DEPTH = 32;

/** Checks `types` once, at configuration time. */
export function checkTypes(types: ProtobufTypes | undefined): ReadonlyMap<string, Type> {
  const map = new Map<string, Type>();
  if (types === undefined) return map;
  if (types === null || typeof types !== "object") throw new CodecError("ERR_BAD_OPTION", "types must map event names to protobufjs Types");
  for (const [event, type] of Object.entries(types)) {
    const t = type as Partial<Type> | null;
    if (
      t === null ||
      typeof t !== "object" ||
      typeof t.encode !== "function" ||
      typeof t.decode !== "function" ||
      typeof t.toObject !== "function" ||
      !Array.isArray(t.fieldsArray)
    ) {
      throw new CodecError("ERR_BAD_OPTION", `types[${JSON.stringify(event)}] is not a protobufjs Type (use root.lookupType(...))`);
    }
    try {
      type.resolveAll();
    } catch (cause) {
      throw new CodecError("ERR_BAD_OPTION", `types[${JSON.stringify(event)}] does not resolve`, { cause });
    }
    map.set(event, type);
  }
  return map;
}

/** True when `payload` written with `type` reads back unchanged. */
export function fitsType(type: Type, payload: unknown): boolean {
  return messageFits(type, payload, 0);
}

/** Decode a typed payload into a plain object (int64 as numbers, enums as numbers). */
export function readTyped(type: Type, bytes: Uint8Array): Record<string, unknown> {
  try {
    return type.toObject(type.decode(bytes), TO_OBJECT);
  } catch (cause) {
    throw new CodecError("ERR_MALFORMED_FRAME", `typed payload is not a valid ${type.name}`, { cause });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function messageFits(type: Type, value: unknown, depth: number): boolean {
  if (depth > MAX_TYPED_DEPTH || !isPlainObject(value)) return false;
  const fields = type.fields;
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !Object.hasOwn(fields, key)) return false;
  }
  for (const field of type.fieldsArray) {
    const item = value[field.name];
    if (item === undefined) {
      if (field.partOf === null) return false; // would come back as a default
      continue;
    }
    if (!fieldFits(field, item, depth)) return false;
  }
  for (const oneof of type.oneofsArray) {
    if (oneof.oneof.filter((name) => value[name] !== undefined).length > 1) return false;
  }
  return true;
}

function fieldFits(field: Field, item: unknown, depth: number): boolean {
  if (field.map) {
    if ((field as Field & { keyType?: string }).keyType !== "string" || !isPlainObject(item)) return false;
    return Object.entries(item).every(([k, v]) => isWellFormed(k) && elementFits(field, v, depth));
  }
  if (field.repeated) return Array.isArray(item) && item.every((v) => elementFits(field, v, depth));
  return elementFits(field, item, depth);
}

const INT32 = 2 ** 31;
const UINT32 = 2 ** 32;

function elementFits(field: Field, v: unknown, depth: number): boolean {
  const resolved = field.resolvedType;
  if (resolved !== null && "fieldsArray" in resolved) return messageFits(resolved as Type, v, depth + 1);
  if (resolved !== null) return typeof v === "number" && (resolved as Enum).valuesById[v] !== undefined;
  switch (field.type) {
    case "double":
      return typeof v === "number" && !Object.is(v, -0);
    case "float":
      return typeof v === "number" && !Object.is(v, -0) && Object.is(Math.fround(v), v);
    case "int32":
    case "sint32":
    case "sfixed32":
      return Number.isInteger(v) && (v as number) >= -INT32 && (v as number) < INT32;
    case "uint32":
    case "fixed32":
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) < UINT32;
    case "int64":
    case "sint64":
    case "sfixed64":
      return Number.isSafeInteger(v);
    case "uint64":
    case "fixed64":
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case "bool":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string" && isWellFormed(v);
    case "bytes":
      return v instanceof Uint8Array;
    default:
      return false;
  }
}
