/**
 * Lone UTF-16 surrogates cannot be written as UTF-8. The JSON serializers send them as
 * U+FFFD (the WebSocket layer encodes text that way); we do the same, because the
 * protobuf reader refuses the invalid UTF-8 they would otherwise become.
 */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const native = typeof (String.prototype as Partial<WellFormedString>).toWellFormed === "function";

/** `s` with every lone surrogate replaced by U+FFFD (the same string when there is none). */
export function wellFormed(s: string): string {
  return native ? (s as unknown as WellFormedString).toWellFormed() : s.replace(LONE_SURROGATE, "\ufffd");
}

/** True when `s` has no lone surrogate. */
export function isWellFormed(s: string): boolean {
  if (native) return (s as unknown as WellFormedString).isWellFormed();
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(s);
}
