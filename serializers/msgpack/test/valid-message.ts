import type { Message } from "@fawkes/core";

/** True when `value` is plain data: JSON values, with `Uint8Array` allowed anywhere. */
export function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean" || value instanceof Uint8Array) return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && Object.values(value).every((v) => isPlainData(v, depth + 1));
  }
  return false;
}

/** The contract of `Serializer.decode`'s result. */
export function isValidMessage(m: Message): boolean {
  return (
    typeof m.topic === "string" &&
    typeof m.event === "string" &&
    (m.joinRef === null || typeof m.joinRef === "string") &&
    (m.ref === null || typeof m.ref === "string") &&
    isPlainData(m.payload)
  );
}
