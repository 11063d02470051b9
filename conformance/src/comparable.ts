import type { Frame } from "@fawkes/core";

/**
 * A deep copy of `value` where every `Uint8Array`, `Buffer` or `ArrayBuffer` becomes
 * `{ bytes: [...] }`, so values decoded by different libraries compare equal in
 * any runner's `deepEqual` when they hold the same bytes.
 */
export function comparable(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (value instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(value)) };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = comparable(v);
    return out;
  }
  return value;
}

/** A frame as a plain value for comparison: opcode plus text or byte list. */
export function comparableFrame(frame: Frame): unknown {
  return frame.opcode === "text" ? { opcode: "text", data: frame.data } : { opcode: "binary", bytes: Array.from(frame.data) };
}

/** Short printable form of a frame for failure messages. */
export function describeFrame(frame: Frame): string {
  if (frame.opcode === "text") return `text ${JSON.stringify(frame.data.length > 80 ? `${frame.data.slice(0, 80)}...` : frame.data)}`;
  const head = Array.from(frame.data.subarray(0, 24)).join(",");
  return `binary[${frame.data.length}] ${head}${frame.data.length > 24 ? ",..." : ""}`;
}

/** Recursively freezes a plain value (not typed arrays), to catch serializers that mutate input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A deterministic byte generator (mulberry32), so garbage cases repeat exactly. */
export function seededBytes(seed: number, length: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}
