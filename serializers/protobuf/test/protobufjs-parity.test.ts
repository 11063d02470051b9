import test from "ava";
import fc from "fast-check";
import { protobufV2 } from "@fawkes/protobuf";
import { envelopeRoot } from "@fawkes/protobuf/schema";

// The hand-written codec must agree with protobufjs's codec generated from proto/fawkes.proto.
const Envelope = envelopeRoot().lookupType("fawkes.Envelope");

type PbValue = {
  null_value?: number;
  number_value?: number;
  string_value?: string;
  bool_value?: boolean;
  struct_value?: { fields?: Record<string, PbValue> };
  list_value?: { values?: PbValue[] };
};

function toPb(value: unknown): PbValue {
  if (value === null) return { null_value: 0 };
  if (typeof value === "number") return { number_value: value };
  if (typeof value === "string") return { string_value: value };
  if (typeof value === "boolean") return { bool_value: value };
  if (Array.isArray(value)) return { list_value: { values: value.map(toPb) } };
  const fields: Record<string, PbValue> = {};
  for (const [k, v] of Object.entries(value as object)) fields[k] = toPb(v);
  return { struct_value: { fields } };
}

function fromPb(v: PbValue): unknown {
  if (v.struct_value !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(v.struct_value.fields ?? {})) out[k] = fromPb(f);
    return out;
  }
  if (v.list_value !== undefined) return (v.list_value.values ?? []).map(fromPb);
  if (v.number_value !== undefined) return v.number_value;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  return null;
}

const normal = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
// protobufjs's generated decoder assigns map keys with plain assignment, so "__proto__" keys are left out here.
const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => !JSON.stringify(v).includes('"__proto__"') && JSON.stringify(v) !== "{}");

test("what we encode, protobufjs's generated codec reads as the same envelope and value", (t) => {
  fc.assert(
    fc.property(json, fc.option(fc.string(), { nil: null }), (payload, joinRef) => {
      const frame = protobufV2.encode({ joinRef, ref: "1", topic: "room:x", event: "e", payload });
      const read = Envelope.toObject(Envelope.decode(frame.data as Uint8Array), { oneofs: true, defaults: false }) as {
        join_ref?: string;
        ref?: string;
        topic: string;
        event: string;
        json?: PbValue;
      };
      t.deepEqual(normal(fromPb(read.json!)), normal(payload));
      t.is(read.join_ref ?? null, joinRef);
      t.is(read.topic, "room:x");
    }),
    { numRuns: 300 },
  );
});

test("what protobufjs encodes from the .proto, we decode to the same message", (t) => {
  fc.assert(
    fc.property(json, fc.string({ minLength: 1 }), (payload, topic) => {
      const bytes = Envelope.encode(Envelope.fromObject({ ref: "9", topic, event: "e", json: toPb(payload) })).finish();
      const m = protobufV2.decode({ opcode: "binary", data: bytes });
      t.deepEqual(normal(m.payload), normal(payload));
      t.is(m.topic, topic);
      t.is(m.ref, "9");
      t.is(m.joinRef, null);
    }),
    { numRuns: 300 },
  );
  const binary = Envelope.encode(Envelope.fromObject({ topic: "t", status: "ok", binary: new Uint8Array([1, 2]) })).finish();
  t.deepEqual(protobufV2.decode({ opcode: "binary", data: binary }), {
    joinRef: null,
    ref: null,
    topic: "t",
    event: "phx_reply",
    payload: { status: "ok", response: new Uint8Array([1, 2]) },
  });
});
