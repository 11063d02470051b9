import { SerializerError } from "@fawkes/core";

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new SerializerError("ERR_MALFORMED_FRAME", "frame is not valid JSON", { cause });
  }
}

/** A ref field: a string, or a number (read as its decimal string), or null. */
export function fieldOrNull(value: unknown, name: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new SerializerError("ERR_MALFORMED_FRAME", `${name} must be a string or null`);
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== "string") throw new SerializerError("ERR_MALFORMED_FRAME", `${name} must be a string`);
  return value;
}
