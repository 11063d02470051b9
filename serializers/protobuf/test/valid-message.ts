import type { Message } from "@fawkes/core";

/** True when `value` is a JSON value (finite numbers, plain objects). */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJsonValue(v, depth + 1));
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === null) && Object.values(value).every((v) => isJsonValue(v, depth + 1));
  }
  return false;
}

/** The contract of `Serializer.decode`'s result (no typed payloads registered): payload JSON or bytes. */
export function isValidMessage(m: Message): boolean {
  if (typeof m.topic !== "string" || typeof m.event !== "string") return false;
  if (!(m.joinRef === null || typeof m.joinRef === "string") || !(m.ref === null || typeof m.ref === "string")) return false;
  if (m.event === "phx_reply" && m.payload !== null && typeof m.payload === "object" && "response" in m.payload) {
    const response = (m.payload as { response: unknown }).response;
    return response instanceof Uint8Array || isJsonValue(response);
  }
  return m.payload instanceof Uint8Array || isJsonValue(m.payload);
}
