import { jsonV1, jsonV2 } from "@fawkes/json";
import { silentLogger } from "@fawkes/core";
import { jsonV1Codec } from "../codecs/json-v1.js";
import { jsonV2Codec } from "../codecs/json-v2.js";
import { startFixtureServer } from "../fixture/fixture-server.js";
import { register } from "../register.js";
import type { SuiteAssertions, TestFn } from "../test-fn.js";
import type { CaseEnv, TransportCase } from "./case.js";
import { SuiteClient } from "./client.js";
import { connectCases } from "./connect-cases.js";
import { connectionCases } from "./connection-cases.js";
import { eventCases } from "./event-cases.js";
import { joinCases } from "./join-cases.js";
import { lifecycleCases } from "./lifecycle-cases.js";
import type { SuiteSerializer, TransportSuiteOptions } from "./options.js";

/** JSON V1 and V2, the serializers every transport runs with unless told otherwise. */
export const defaultSuiteSerializers: readonly SuiteSerializer[] = [
  { serializer: jsonV1, codec: jsonV1Codec, binaryPayloads: false },
  { serializer: jsonV2, codec: jsonV2Codec, binaryPayloads: true },
];

/** Every transport case, in registration order. */
export const transportCases: readonly TransportCase[] = [...connectCases, ...joinCases, ...eventCases, ...lifecycleCases, ...connectionCases];

/**
 * Registers the transport conformance cases on `test`, once per serializer. Each
 * case starts its own fixture server (port 0 on 127.0.0.1) with the transport
 * registered under `options.name`, talks to it only through `options.driver`,
 * and closes everything when it ends. Cases the declared capabilities rule out
 * are registered as skipped with the reason in the title.
 *
 * ```ts
 * import test from "ava";
 * import { transportSuite } from "@fawkes/conformance/transport";
 * import { websocket } from "@fawkes/websocket";
 * import { websocketClientDriver } from "@fawkes/websocket/testing";
 * transportSuite(test, { name: "websocket", transport: () => websocket(), driver: websocketClientDriver, capabilities: websocket().capabilities });
 * ```
 */
export function transportSuite(test: TestFn, options: TransportSuiteOptions): void {
  const title = options.title ?? `transport ${options.name}`;
  const serializers = options.serializers ?? defaultSuiteSerializers;
  for (const entry of serializers) {
    const label = `${title} › ${entry.serializer.name} (vsn ${entry.codec.vsn})`;
    for (const testCase of transportCases) {
      register(test, `${label} › ${testCase.name}`, (t) => runCase(t, options, entry, testCase), testCase.skip?.(options, entry));
    }
  }
}

async function runCase(t: SuiteAssertions, options: TransportSuiteOptions, entry: SuiteSerializer, testCase: TransportCase): Promise<void> {
  const serializers = options.serializers ?? defaultSuiteSerializers;
  const fixture = await startFixtureServer({
    transports: { [options.name]: options.transport() },
    serializers: serializers.map((s) => s.serializer),
    logger: silentLogger,
    ...(testCase.fixture?.maxChannels === undefined ? {} : { maxChannels: testCase.fixture.maxChannels }),
  });
  t.teardown(() => fixture.close());
  const timeoutMs = options.receiveTimeoutMs ?? 2000;
  const connect: CaseEnv["connect"] = (params = {}, headers) => options.driver.connect({
    url: fixture.url,
    path: `/socket/${options.name}`,
    params: { vsn: entry.codec.vsn, ...params },
    ...(headers === undefined ? {} : { headers }),
  });
  const env: CaseEnv = {
    t, fixture, options, entry, connect,
    closeCodes: options.capabilities.closeCodes !== false,
    async client(params) {
      const outcome = await connect(params);
      if (!outcome.ok) throw new Error(`connecting failed with status ${outcome.status}`);
      t.teardown(() => outcome.connection.close());
      return new SuiteClient(t, outcome.connection, entry.codec, timeoutMs);
    },
  };
  await testCase.run(env);
}
