/**
 * `@fawkes/conformance/serializer`: the serializer suite and the JSON client codecs.
 *
 * ```ts
 * import test from "ava";
 * import { serializerSuite, jsonV2Codec, jsonV2Golden } from "@fawkes/conformance/serializer";
 * import { jsonV2 } from "@fawkes/json";
 * serializerSuite(test, { serializer: jsonV2, codec: jsonV2Codec, capabilities: { binaryPayloads: true }, golden: jsonV2Golden });
 * ```
 */
export { serializerSuite } from "./suite.js";
export type { SerializerSuiteOptions } from "./options.js";
export type { GoldenVector } from "./golden.js";
export { jsonV1Golden, jsonV2Golden } from "./json-golden.js";
export { jsonV1Codec } from "../codecs/json-v1.js";
export { jsonV2Codec } from "../codecs/json-v2.js";
export {
  fromPhoenixSerializer,
  type ClientCodec,
  type ClientMessage,
  type ServerMessage,
  type PhoenixClientMessage,
  type PhoenixClientSerializer,
} from "../codec.js";
export { applyByteEdits, BYTE_EDIT_KINDS, type ByteEdit } from "./byte-edits.js";
export { clientDecodesCleanly, phoenixDecode, phoenixEncode, thrownCode, withinDecodeContract } from "./decode-contract.js";
export type { TestFn, SuiteAssertions, SuiteImplementation } from "../test-fn.js";
