import test from "ava";
import { applyByteEdits } from "@fawkes/conformance";

test("applyByteEdits sets, inserts, deletes and cuts at positions taken modulo the length, on a copy", (t) => {
  const frame = Uint8Array.of(1, 2, 3, 4);
  t.deepEqual(applyByteEdits(frame, [[5, 9, "set"]]), Uint8Array.of(1, 9, 3, 4));
  t.deepEqual(applyByteEdits(frame, [[0, 7, "insert"]]), Uint8Array.of(7, 1, 2, 3, 4));
  t.deepEqual(applyByteEdits(frame, [[2, 0, "delete"]]), Uint8Array.of(1, 2, 4));
  t.deepEqual(
    applyByteEdits(frame, [
      [3, 0, "cut"],
      [1, 0, "delete"],
    ]),
    Uint8Array.of(1, 3),
  );
  t.deepEqual(applyByteEdits(new Uint8Array(0), [[3, 5, "insert"]]), Uint8Array.of(5));
  t.deepEqual(frame, Uint8Array.of(1, 2, 3, 4), "the input is unchanged");
});
