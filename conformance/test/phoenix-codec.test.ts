// The official phoenix client's serializer, adapted with fromPhoenixSerializer, against jsonV2.
import test from "ava";
import { jsonV2 } from "@fawkes/json";
import { fromPhoenixSerializer, jsonV2Golden, serializerSuite, type PhoenixClientSerializer } from "@fawkes/conformance/serializer";
import { failingCases, recorder } from "./recording.js";

const phoenix = (await import("phoenix")) as unknown as { Serializer: PhoenixClientSerializer };
const codec = fromPhoenixSerializer("2.0.0", phoenix.Serializer);

test("jsonV2 passes the serializer suite with the official client's codec, except null refs in binary pushes", async (t) => {
  const { test: rec, cases } = recorder();
  serializerSuite(rec, { serializer: jsonV2, codec, capabilities: { binaryPayloads: true }, golden: jsonV2Golden });
  const failed = (await failingCases(cases)).map((r) => r.title.split(" › ").at(-1) ?? "");
  // The phoenix client writes a null join_ref/ref as the text "null" in binary frames;
  // it never sends one (channel pushes always carry both), so only these cases differ.
  t.true(failed.length > 0 && failed.every((title) => /^binary client->server: .*, refs null$/.test(title)), failed.join("\n"));
});

test("fromPhoenixSerializer turns ArrayBuffer payloads into Uint8Array and empty binary refs into null", (t) => {
  const frame = jsonV2.encode({ joinRef: null, ref: null, topic: "r", event: "e", payload: Uint8Array.of(1, 2) });
  const decoded = codec.decode(frame);
  t.true(decoded.payload instanceof Uint8Array);
  t.deepEqual(Array.from(decoded.payload as Uint8Array), [1, 2]);
  t.is(decoded.joinRef, null);
});
