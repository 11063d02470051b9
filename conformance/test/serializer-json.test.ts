// The serializer suite against the JSON serializers, with their shipped client codecs and golden vectors.
import test from "ava";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { jsonV1Codec, jsonV1Golden, jsonV2Codec, jsonV2Golden, serializerSuite } from "@fawkes/conformance/serializer";

const text = (data: string) => ({ opcode: "text" as const, data });
const binary = (...bytes: number[]) => ({ opcode: "binary" as const, data: Uint8Array.from(bytes) });

serializerSuite(test, {
  serializer: jsonV1,
  codec: jsonV1Codec,
  capabilities: { binaryPayloads: false },
  golden: jsonV1Golden,
  malformed: [text('[null,null,"t","e",{}]'), text('{"topic":"t"}'), text('{"topic":"t","event":"e","ref":[]}'), binary(0, 0, 0, 1, 1, 116, 101)],
});

serializerSuite(test, {
  serializer: jsonV2,
  codec: jsonV2Codec,
  capabilities: { binaryPayloads: true },
  golden: jsonV2Golden,
  malformed: [
    text('{"topic":"t","event":"e","payload":{},"ref":"1"}'),
    text('[null,null,"t","e"]'),
    text('[true,null,"t","e",{}]'),
    binary(1, 0, 0, 1, 1, 116, 101),
    binary(2, 1, 1, 116, 101),
    binary(0, 0, 0, 9, 1, 116),
    binary(0, 0, 0, 2, 0, 0xc3, 0x28),
    binary(0, 1, 0, 0, 0),
  ],
});
