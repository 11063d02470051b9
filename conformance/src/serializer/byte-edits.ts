/**
 * One edit of an encoded frame, for fuzzing a decoder with near-valid input: `at` is
 * taken modulo the current length; `value` is the byte written (`set`) or inserted
 * (`insert`); `delete` removes the byte at `at`, `cut` drops everything from `at` on.
 */
export type ByteEdit = readonly [at: number, value: number, kind: "set" | "insert" | "delete" | "cut"];

/** The edit kinds of {@link ByteEdit}, e.g. for `fc.constantFrom(...BYTE_EDIT_KINDS)`. */
export const BYTE_EDIT_KINDS: readonly ByteEdit[2][] = ["set", "insert", "delete", "cut"];

/** Returns a copy of `frame` with `edits` applied in order (the input is not changed). */
export function applyByteEdits(frame: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let bytes = Array.from(frame);
  for (const [at, value, kind] of edits) {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === "set") bytes[i] = value;
    else if (kind === "insert") bytes.splice(i, 0, value);
    else if (kind === "delete") bytes.splice(i, 1);
    else bytes = bytes.slice(0, i);
  }
  return Uint8Array.from(bytes);
}
