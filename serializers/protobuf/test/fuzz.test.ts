import test from "ava";
import fc from "fast-check";
import { BYTE_EDIT_KINDS, applyByteEdits, clientDecodesCleanly, fromPhoenixSerializer, withinDecodeContract } from "@fawkes/conformance";
import { SerializerError } from "@fawkes/core";
import { PROTOBUF_VSN, protobufSerializer, protobufV2 } from "@fawkes/protobuf";
import { protobufCodec, type PhoenixCodec } from "@fawkes/protobuf/client";
import { chatTypes } from "./chat-types.js";
import { isValidMessage } from "./valid-message.js";

const RUNS = 1500;
const generic = protobufCodec();
const typedServer = protobufSerializer({ types: chatTypes });
const typedClient = protobufCodec({ types: chatTypes });
/** The typed client codec as the phoenix client drives it (binary payloads handed over as ArrayBuffers). */
const typedClientFrames = fromPhoenixSerializer(PROTOBUF_VSN, typedClient);

/** The decode contract: a valid message, or a SerializerError with an ERR_* code; nothing else. */
const serverDecodes = (data: Uint8Array): boolean => withinDecodeContract(SerializerError, () => isValidMessage(protobufV2.decode({ opcode: "binary", data })));

const typedServerDecodes = (data: Uint8Array): boolean =>
  withinDecodeContract(SerializerError, () => {
    const m = typedServer.decode({ opcode: "binary", data });
    return typeof m.topic === "string" && typeof m.event === "string";
  });

const clientDecodes = (data: Uint8Array, codec: PhoenixCodec = generic): boolean => clientDecodesCleanly(codec, data);

const all = (data: Uint8Array): boolean => serverDecodes(data) && typedServerDecodes(data) && clientDecodes(data) && clientDecodes(data, typedClient);

const json = fc.jsonValue({ maxDepth: 4 });
const ref = fc.option(fc.string({ maxLength: 12 }), { nil: null });
const chat = fc.record({ user: fc.string({ maxLength: 8 }), body: fc.string({ maxLength: 30 }), ts: fc.integer({ min: 0, max: 2 ** 40 }) });
const topic = fc.string({ minLength: 1, maxLength: 20 });
// JSON payloads on untyped events, chat messages on the typed one, bytes on any.
const message = fc.oneof(
  fc.record({ joinRef: ref, ref, topic, event: fc.constantFrom("other", "phx_join"), payload: json }),
  fc.record({ joinRef: ref, ref, topic, event: fc.constant("new_msg"), payload: chat }),
  fc.record({ joinRef: ref, ref, topic, event: fc.constantFrom("new_msg", "post", "other"), payload: fc.uint8Array({ maxLength: 32 }) }),
);
const validFrame = message.map((m) => typedClientFrames.encode(m).data as Uint8Array);

const mutatedFrame = fc
  .tuple(validFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom(...BYTE_EDIT_KINDS)), { minLength: 1, maxLength: 4 }))
  .map(([frame, edits]) => applyByteEdits(frame, edits));

test("fuzz: arbitrary bytes decode to a valid message or throw SerializerError (server and client, typed or not)", (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), all), { numRuns: RUNS });
  t.pass();
});

test("fuzz: bytes after a valid topic and event decode or throw SerializerError", (t) => {
  const prefixed = fc.uint8Array({ maxLength: 120 }).map((rest) => Uint8Array.from([0x1a, 1, 0x74, 0x22, 1, 0x65, ...rest]));
  fc.assert(fc.property(prefixed, all), { numRuns: RUNS });
  t.pass();
});

test("fuzz: mutated valid frames decode or throw SerializerError", (t) => {
  fc.assert(fc.property(mutatedFrame, all), { numRuns: RUNS });
  t.pass();
});

test("fuzz: every message a client encodes decodes back to itself on the server (JSON semantics)", (t) => {
  fc.assert(
    fc.property(message, (m) => {
      const decoded = typedServer.decode(typedClientFrames.encode(m));
      const expected = m.payload instanceof Uint8Array ? m.payload : JSON.parse(JSON.stringify(m.payload));
      t.deepEqual(
        { ...decoded, payload: decoded.payload instanceof Uint8Array ? decoded.payload : JSON.parse(JSON.stringify(decoded.payload)) },
        { ...m, payload: expected },
      );
    }),
    { numRuns: 500 },
  );
});
