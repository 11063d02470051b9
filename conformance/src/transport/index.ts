/**
 * `@fawkes/conformance/transport`: the transport suite and the client-driver contract.
 *
 * ```ts
 * import test from "ava";
 * import { transportSuite } from "@fawkes/conformance/transport";
 * import { websocket } from "@fawkes/websocket";
 * import { websocketClientDriver } from "@fawkes/websocket/testing";
 * transportSuite(test, {
 *   name: "websocket", transport: () => websocket(), driver: websocketClientDriver, capabilities: websocket().capabilities,
 *   faults: { idleTimeout: (ms) => websocket({ timeout: ms }), slowConsumer: (limits) => websocket(limits) },
 * });
 * ```
 */
export { transportSuite, transportCases, defaultSuiteSerializers } from "./suite.js";
export type { TransportSuiteOptions, ConformanceCapabilities, SuiteSerializer, FaultOptions } from "./options.js";
export { faultCases, IDLE_MS, SLOW_CONSUMER_LIMITS } from "./fault-cases.js";
export type { TransportCase, CaseEnv } from "./case.js";
export { SuiteClient, type Expected } from "./client.js";
export type { ClientDriver, ClientConnection, ClientConnectOutcome, ClientConnectOptions } from "../client-driver.js";
export type { TestFn, SuiteAssertions, SuiteImplementation } from "../test-fn.js";
