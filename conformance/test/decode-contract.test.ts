import test from "ava";
import { SerializerError } from "@fawkes/core";
import { CodecError } from "@fawkes/core/codec";
import { thrownCode, withinDecodeContract } from "@fawkes/conformance";

test("thrownCode names a typed error's code, marks an untyped one, and is undefined when nothing throws", (t) => {
  t.is(
    thrownCode(() => {
      throw new CodecError("ERR_X", "x");
    }),
    "ERR_X",
  );
  t.regex(
    thrownCode(() => {
      throw new TypeError("y");
    }) ?? "",
    /^not typed: /,
  );
  t.is(
    thrownCode(() => 1),
    undefined,
  );
});

test("withinDecodeContract accepts a valid result or the named error type with an ERR_* code, nothing else", (t) => {
  t.true(withinDecodeContract(SerializerError, () => true));
  t.false(withinDecodeContract(SerializerError, () => false));
  t.true(
    withinDecodeContract(CodecError, () => {
      throw new CodecError("ERR_MALFORMED_FRAME", "bad");
    }),
  );
  t.false(
    withinDecodeContract(SerializerError, () => {
      throw new CodecError("ERR_MALFORMED_FRAME", "bad");
    }),
    "another error type breaks the contract",
  );
  t.false(
    withinDecodeContract(CodecError, () => {
      throw new CodecError("bad code", "bad");
    }),
  );
});
