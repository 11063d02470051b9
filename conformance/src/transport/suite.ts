import { jsonV1, jsonV2 } from "@fawkes/json";
import { silentLogger } from "@fawkes/core";
import { jsonV1Codec } from "../codecs/json-v1.js";
import { jsonV2Codec } from "../codecs/json-v2.js";
import { startFixtureServer, type FixtureServer } from "../fixture/fixture-server.js";
import { register } from "../register.js";
import type { SuiteAssertions, TestFn } from "../test-fn.js";
import { within, type CaseEnv, type TransportCase } from "./case.js";
import { caseGate, timeoutScale } from "./case-gate.js";
import { faultCases } from "./fault-cases.js";
import { trapProcessFaults } from "./process-trap.js";
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
export const transportCases: readonly TransportCase[] = [...connectCases, ...joinCases, ...eventCases, ...lifecycleCases, ...connectionCases, ...faultCases];

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
  const leave = await caseGate.enter(testCase.isolated === true);
  const trap = trapProcessFaults();
  const teardowns: (() => void | Promise<void>)[] = [];
  const scaled = (ms: number): number => Math.round(ms * timeoutScale);
  let failure: unknown;
  let fixture: FixtureServer | undefined;
  try {
    fixture = await startFixtureServer({
      transports: { [options.name]: testCase.transport?.(options) ?? options.transport() },
      serializers: (options.serializers ?? defaultSuiteSerializers).map((s) => s.serializer),
      logger: silentLogger,
      ...(testCase.fixture?.maxChannels === undefined ? {} : { maxChannels: testCase.fixture.maxChannels }),
    });
    const url = fixture.url;
    const timeoutMs = scaled(options.receiveTimeoutMs ?? 2000);
    const connect: CaseEnv["connect"] = (params = {}, headers) =>
      options.driver.connect({
        url,
        path: `/socket/${options.name}`,
        params: { vsn: entry.codec.vsn, ...params },
        ...(headers === undefined ? {} : { headers }),
      });
    const env: CaseEnv = {
      t,
      fixture,
      options,
      entry,
      connect,
      timeoutMs,
      scaled,
      closeCodes: options.capabilities.closeCodes !== false,
      teardown: (fn) => {
        teardowns.push(fn);
      },
      async client(params) {
        const outcome = await connect(params);
        if (!outcome.ok) throw new Error(`connecting failed with status ${outcome.status}`);
        teardowns.push(() => outcome.connection.close());
        return new SuiteClient(t, outcome.connection, entry.codec, timeoutMs);
      },
    };
    await testCase.run(env);
  } catch (error) {
    failure = error;
  } finally {
    // Teardown runs inside the trap: closing the endpoint and the clients is where
    // a transport that throws on a close code shows it. The endpoint closes first,
    // while its clients are still attached (a SockJS session whose client already
    // left would hold the close for its disconnect delay).
    const closing =
      fixture === undefined
        ? Promise.resolve<unknown>(true)
        : within(
            fixture.close().then(() => true),
            scaled(10_000),
            false,
          ).catch((error: unknown) => error);
    // The close is started and its first ticks ran (where a close code is sent):
    // the next case may start while the endpoint waits for its clients. The trap
    // stays open, so a fault seen meanwhile fails this case too.
    await new Promise((resolve) => setTimeout(resolve, 10));
    trap.closing();
    leave();
    const closed = await closing;
    if (closed !== true && failure === undefined)
      failure = new Error(closed === false ? "the fixture (endpoint.close()) did not finish closing" : `closing the fixture failed: ${String(closed)}`);
    for (const fn of teardowns.reverse()) await within(Promise.resolve().then(fn), scaled(5000), undefined).catch(() => undefined);
    // Errors thrown by callbacks the close scheduled (a timer, the next tick).
    await new Promise((resolve) => setTimeout(resolve, 10));
    trap.release();
  }
  if (trap.errors.length > 0) {
    const also = failure === undefined ? "" : `\n(the case also failed: ${failure instanceof Error ? failure.message : String(failure)})`;
    throw new Error(`an exception escaped to the process while the case ran (it would have crashed a server):\n${trap.errors.join("\n")}${also}`);
  }
  if (failure !== undefined) throw failure;
}
