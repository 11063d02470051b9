import type { TestFn } from "../test-fn.js";
import { binaryCases } from "./binary-cases.js";
import { clientToServerCases } from "./client-to-server.js";
import { goldenCases } from "./golden-cases.js";
import { malformedCases } from "./malformed-cases.js";
import type { SerializerSuiteOptions } from "./options.js";
import { serverToClientCases } from "./server-to-client.js";

/**
 * Registers the serializer conformance cases on `test` (ava's `test`, or any
 * {@link TestFn}). Every case is synchronous and needs no network.
 *
 * Checks: client->server round trips (join, leave, heartbeat, events; refs null and
 * set; unicode; nested payloads), server->client pushes, replies (ok, error, custom
 * status) and fastlane broadcasts, fastlane agreeing with encode and being
 * deterministic, binary payloads both ways (when `capabilities.binaryPayloads`),
 * golden vectors, and malformed input throwing only `SerializerError`.
 *
 * ```ts
 * import test from "ava";
 * import { serializerSuite, jsonV2Codec, jsonV2Golden } from "@fawkes/conformance/serializer";
 * import { jsonV2 } from "@fawkes/json";
 * serializerSuite(test, { serializer: jsonV2, codec: jsonV2Codec, capabilities: { binaryPayloads: true }, golden: jsonV2Golden });
 * ```
 */
export function serializerSuite(test: TestFn, options: SerializerSuiteOptions): void {
  const title = options.title ?? `serializer ${options.serializer.name} (vsn ${options.codec.vsn})`;
  clientToServerCases(test, title, options);
  serverToClientCases(test, title, options);
  binaryCases(test, title, options);
  goldenCases(test, title, options);
  malformedCases(test, title, options);
}
