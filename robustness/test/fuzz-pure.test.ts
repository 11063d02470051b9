// The decoders and the params parser as pure functions: for any input, `decode`
// returns a well-typed message or throws a SerializerError whose code is one its
// serializer documents; `parseParams` never throws and never reaches a prototype.
import test from "ava";
import fc from "fast-check";
import { SerializerError, parseParams, type Frame, type Message, type Serializer } from "@fawkes/core";
import { encode as msgpackEncode } from "@msgpack/msgpack";
import { WIRE_CODECS, fuzzRuns } from "@fawkes/robustness";
import { assertProperty } from "./under-attack.js";
import { bracketChainKey, brokenJsonText, deepJsonText, hostileKeyNames, protobufFields, structuredMessage, wrongShapeJson } from "./arbitraries.js";

const RUNS = fuzzRuns(1000);

/** The codes each serializer documents for `decode`. */
const DECODE_CODES: Readonly<Record<string, readonly string[]>> = {
  "json-v1": ["ERR_MALFORMED_FRAME", "ERR_BINARY_UNSUPPORTED"],
  "json-v2": ["ERR_MALFORMED_FRAME", "ERR_BAD_KIND", "ERR_TRUNCATED"],
  msgpack: ["ERR_MALFORMED_FRAME", "ERR_TEXT_FRAME", "ERR_TOO_DEEP", "ERR_UNSUPPORTED_TYPE"],
  protobuf: ["ERR_MALFORMED_FRAME", "ERR_TEXT_FRAME", "ERR_TOO_DEEP", "ERR_UNSUPPORTED_TYPE"],
};

const anyFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((data): Frame => ({ opcode: "binary", data })),
  fc
    .oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      brokenJsonText,
      deepJsonText,
      wrongShapeJson.map((v) => JSON.stringify(v)),
    )
    .map((data): Frame => ({ opcode: "text", data })),
  wrongShapeJson.map((v): Frame => ({ opcode: "binary", data: msgpackEncode(v) })),
  protobufFields.map((data): Frame => ({ opcode: "binary", data })),
  fc
    .tuple(fc.nat({ max: 3 }), fc.array(fc.nat({ max: 255 }), { minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 300 }))
    .map(([kind, lengths, rest]): Frame => ({ opcode: "binary", data: new Uint8Array([kind, ...lengths, ...rest]) })),
);

/** Throws unless `decode(frame)` returned a well-typed message or threw a documented SerializerError. */
function checkDecode(serializer: Serializer, frame: Frame): Message | SerializerError {
  let message: Message;
  try {
    message = serializer.decode(frame);
  } catch (error) {
    if (!(error instanceof SerializerError)) throw new Error(`${serializer.name} threw a non-SerializerError: ${String(error)}`);
    if (!DECODE_CODES[serializer.name]!.includes(error.code)) throw new Error(`${serializer.name} threw an undocumented code ${error.code}`);
    return error;
  }
  const refOk = (r: unknown) => r === null || typeof r === "string";
  if (typeof message.topic !== "string" || typeof message.event !== "string" || !refOk(message.ref) || !refOk(message.joinRef)) {
    throw new Error(`${serializer.name} returned an ill-typed message ${JSON.stringify(message)}`);
  }
  return message;
}

/** True when a `__proto__` own key appears anywhere in `value` (iterative: payloads may nest deep). */
function hasProtoKey(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (!Array.isArray(v) && Object.hasOwn(v, "__proto__")) return true;
    stack.push(...Object.values(v as object));
  }
  return false;
}

for (const codec of WIRE_CODECS) {
  test(`${codec.name} decode: any frame gives a typed message or a documented SerializerError code`, (t) => {
    const codes = new Map<string, number>();
    assertProperty(
      fc.property(anyFrame, (frame) => {
        const result = checkDecode(codec.serializer, frame);
        const key = result instanceof SerializerError ? result.code : "decoded";
        codes.set(key, (codes.get(key) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    t.log([...codes].map(([k, v]) => `${k}: ${v}`).join(", "));
    t.true((codes.get("decoded") ?? 0) < RUNS, "some frames must be refused");
  });

  test(`${codec.name} decode: a well-formed message with any content reads back its topic, event and refs`, (t) => {
    let checked = 0;
    assertProperty(
      fc.property(structuredMessage, (m) => {
        let frame: Frame;
        try {
          frame = codec.frame(m);
        } catch {
          return;
        } // a payload this format cannot carry
        const back = checkDecode(codec.serializer, frame);
        if (back instanceof SerializerError) {
          // Known refusals of a serializer's own encoding: protobuf, strings with lone
          // surrogates (not UTF-8); msgpack, a map key `__proto__` (@msgpack/msgpack
          // refuses it on decode, as a prototype-pollution guard), which JSON accepts.
          if (codec.name === "protobuf" && back.code === "ERR_MALFORMED_FRAME") return;
          if (codec.name === "msgpack" && back.code === "ERR_MALFORMED_FRAME" && hasProtoKey(m.payload)) return;
          throw new Error(`${codec.name} refused its own encoding (${back.code}) of ${JSON.stringify(m).slice(0, 300)}`);
        }
        checked++;
        if (back.topic !== m.topic || back.event !== m.event || back.ref !== m.ref)
          throw new Error(`read back ${JSON.stringify([back.topic, back.event, back.ref])}`);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
    t.true(checked > 0);
  });
}

const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(...hostileKeyNames, "prototype"),
  bracketChainKey,
  fc.integer({ min: 100, max: 5000 }).map((n) => `a${"[x]".repeat(n)}`),
);
const query = fc
  .array(fc.tuple(key, fc.string({ unit: "binary", maxLength: 20 })), { maxLength: 12 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k).replace(/%5B/g, "[").replace(/%5D/g, "]")}=${encodeURIComponent(v)}`).join("&"));

/** Throws unless every value under `root` is a string, a list or a null-prototype-safe map (iterative: params nest thousands deep). */
function walk(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") continue;
    if (Array.isArray(value)) {
      stack.push(...value);
      continue;
    }
    if (value === null || typeof value !== "object") throw new Error(`a params value is ${typeof value}`);
    for (const k of Object.keys(value)) {
      if (k === "__proto__" || k === "constructor" || k === "prototype") throw new Error(`a params key is ${k}`);
      stack.push((value as Record<string, unknown>)[k]);
    }
  }
}

test("parseParams: any Rails-style query parses without throwing, to strings, lists and maps, never touching a prototype", (t) => {
  assertProperty(
    fc.property(fc.oneof(query, fc.string({ unit: "binary", maxLength: 200 })), (q) => {
      const params = parseParams(q);
      walk(params);
      if (({} as Record<string, unknown>).polluted !== undefined || (Object.prototype as unknown as Record<string, unknown>).x !== undefined)
        throw new Error("Object.prototype was polluted");
    }),
    { numRuns: RUNS },
  );
  t.is(({} as Record<string, unknown>).polluted, undefined);
});
