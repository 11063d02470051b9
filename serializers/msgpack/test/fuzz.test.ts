import test from "ava";
import fc from "fast-check";
import { BYTE_EDIT_KINDS, applyByteEdits, clientDecodesCleanly, fromPhoenixSerializer, withinDecodeContract } from "@fawkes/conformance";
import { SerializerError } from "@fawkes/core";
import { MSGPACK_VSN, msgpackV2 } from "@fawkes/msgpack";
import { msgpackCodec } from "@fawkes/msgpack/client";
import { encode as rawEncode } from "@msgpack/msgpack";
import { isPlainData, isValidMessage } from "./valid-message.js";

const RUNS = 3000;
/** The client codec as the phoenix client drives it (binary payloads handed over as ArrayBuffers). */
const client = fromPhoenixSerializer(MSGPACK_VSN, msgpackCodec);

/** The decode contract: a valid message, or a SerializerError with an ERR_* code; nothing else. */
const serverDecodes = (data: Uint8Array): boolean => withinDecodeContract(SerializerError, () => isValidMessage(msgpackV2.decode({ opcode: "binary", data })));

/** The same contract for the client codec, with CodecError. */
const clientDecodes = (data: Uint8Array): boolean => clientDecodesCleanly(msgpackCodec, data);

// "__proto__" keys are refused by design (see README), so generated payloads avoid them.
// JSON-normalized (-0 becomes 0, as on any JSON wire), without "__proto__" keys (refused by the library).
const json = fc
  .jsonValue({ maxDepth: 4 })
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'))
  .map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const ref = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const message = fc.record({
  joinRef: ref,
  ref,
  topic: fc.string({ maxLength: 20 }),
  event: fc.string({ maxLength: 12 }),
  payload: fc.oneof(json, fc.uint8Array({ maxLength: 32 })),
});
const validFrame = message.map((m) => rawEncode([m.joinRef, m.ref, m.topic, m.event, m.payload]));

/** A valid frame with bytes overwritten, inserted, removed or the tail cut. */
const mutatedFrame = fc
  .tuple(validFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom(...BYTE_EDIT_KINDS)), { minLength: 1, maxLength: 4 }))
  .map(([frame, edits]) => applyByteEdits(frame, edits));

test("fuzz: arbitrary bytes decode to a valid message or throw SerializerError (server and client)", (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (data) => serverDecodes(data) && clientDecodes(data)),
    { numRuns: RUNS },
  );
  t.pass();
});

test("fuzz: bytes that start like an envelope (array of 5) decode or throw SerializerError", (t) => {
  const prefixed = fc.uint8Array({ maxLength: 120 }).map((rest) => Uint8Array.from([0x95, ...rest]));
  fc.assert(
    fc.property(prefixed, (data) => serverDecodes(data) && clientDecodes(data)),
    { numRuns: RUNS },
  );
  t.pass();
});

test("fuzz: mutated valid frames decode or throw SerializerError", (t) => {
  fc.assert(
    fc.property(mutatedFrame, (data) => serverDecodes(data) && clientDecodes(data)),
    { numRuns: RUNS },
  );
  t.pass();
});

test("fuzz: every message a client encodes decodes back to itself on the server", (t) => {
  fc.assert(
    fc.property(message, (m) => {
      const decoded = msgpackV2.decode(client.encode(m));
      t.deepEqual(decoded, m);
      return isPlainData(decoded.payload);
    }),
    { numRuns: 500 },
  );
});
