/**
 * @fawkes/conformance: one suite per concern that any Fawkes transport or
 * serializer (ours or a third party's) must pass, the fixture app they run
 * against, and the fixture server command.
 *
 * ```ts
 * import test from "ava";
 * import { serializerSuite, transportSuite, jsonV2Codec } from "@fawkes/conformance";
 * import { jsonV2 } from "@fawkes/json";
 * import { websocket } from "@fawkes/websocket";
 * import { websocketClientDriver } from "@fawkes/websocket/testing";
 *
 * serializerSuite(test, { serializer: jsonV2, codec: jsonV2Codec, capabilities: { binaryPayloads: true } });
 * transportSuite(test, { name: "websocket", transport: () => websocket(), driver: websocketClientDriver, capabilities: websocket().capabilities });
 * ```
 */
export * from "./serializer/index.js";
export * from "./transport/index.js";
export * from "./fixture/index.js";
export { builtinTransports, builtinSerializers } from "./builtins.js";
