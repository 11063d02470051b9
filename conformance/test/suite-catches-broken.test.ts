// The suites fail against broken implementations (run through a recording `test`).
// The transport-suite proofs run serially: each records a whole suite, and the
// process trap pins a fault on every case open at that moment, so two broken
// suites at once would blame each other's cases.
import test from "ava";
import { jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { jsonV2Codec, serializerSuite, transportSuite, type TransportSuiteOptions } from "@fawkes/conformance";
import { failingCases, recorder } from "./recording.js";
import { dropping, dropsJoinRef, forgetsClose, reordering, throwsOnCloseCode, trustsInput, wrapTransport } from "./broken-wrappers.js";

const v2Only = [{ serializer: jsonV2, codec: jsonV2Codec, binaryPayloads: true }];

function transportOptions(transport: () => ReturnType<typeof websocket>): TransportSuiteOptions {
  return { name: "websocket", transport, driver: websocketClientDriver, capabilities: websocket().capabilities, serializers: v2Only, receiveTimeoutMs: 500 };
}

/** Runs the whole transport suite (V2 JSON over `transport`) through the recorder; returns the cases that failed. */
async function failingTransportCases(transport: () => ReturnType<typeof websocket>) {
  const { test: rec, cases } = recorder();
  transportSuite(rec, transportOptions(transport));
  return failingCases(cases);
}

test("the serializer suite passes the real V2 serializer through the recorder (control)", async (t) => {
  const { test: rec, cases } = recorder();
  serializerSuite(rec, { serializer: jsonV2, codec: jsonV2Codec, capabilities: { binaryPayloads: true } });
  t.true(cases.length > 20);
  t.deepEqual(await failingCases(cases), []);
});

test("the serializer suite catches a serializer that drops join_ref", async (t) => {
  const { test: rec, cases } = recorder();
  serializerSuite(rec, { serializer: dropsJoinRef, codec: jsonV2Codec, capabilities: { binaryPayloads: true } });
  const failed = (await failingCases(cases)).map((r) => r.title);
  t.true(
    failed.some((title) => title.includes("client->server: phx_join with join_ref and ref")),
    failed.join("\n"),
  );
});

test("the serializer suite catches a decode that throws TypeError on garbage", async (t) => {
  const { test: rec, cases } = recorder();
  serializerSuite(rec, { serializer: trustsInput, codec: jsonV2Codec, capabilities: { binaryPayloads: true } });
  const failed = await failingCases(cases);
  t.true(
    failed.some((r) => r.title.includes("malformed:")),
    JSON.stringify(failed),
  );
  t.false(
    failed.some((r) => r.title.includes("client->server")),
    "well-formed input still decodes",
  );
});

test.serial("the transport suite passes the real websocket transport through the recorder (control)", async (t) => {
  t.deepEqual(await failingTransportCases(() => websocket()), []);
});

test.serial("the transport suite catches a transport that reorders outbound frames", async (t) => {
  const failed = await failingTransportCases(() => wrapTransport(websocket(), { sink: reordering }));
  t.true(failed.length > 5, `only ${failed.length} cases failed`);
  t.true(failed.some((r) => r.title.includes("pipelined events are answered in order")));
});

test.serial("the transport suite catches a transport that drops frames", async (t) => {
  const failed = await failingTransportCases(() => wrapTransport(websocket(), { sink: dropping }));
  t.true(failed.length > 5, `only ${failed.length} cases failed`);
});

test.serial("the transport suite catches a transport that never reports a closed connection", async (t) => {
  const failed = (await failingTransportCases(() => wrapTransport(websocket(), { port: forgetsClose }))).map((r) => r.title);
  t.deepEqual(
    failed.map((title) => title.split(" › ").at(-1)),
    ["a client close is reported to the core (channels terminate)"],
  );
});

test.serial("the fault cases catch a transport that throws on a close code, and the process survives it", async (t) => {
  const { test: rec, cases } = recorder();
  const broken = () => wrapTransport(websocket(), { sink: throwsOnCloseCode });
  transportSuite(rec, { ...transportOptions(broken), faults: { idleTimeout: (ms) => wrapTransport(websocket({ timeout: ms }), { sink: throwsOnCloseCode }) } });
  const failed = await failingCases(cases, "fault:");
  const byName = new Map(failed.map((r) => [r.title.split(" › ").at(-1) ?? "", r.failures.join("\n")]));
  // 1007 from inside the transport's message callback: an uncaught exception, pinned on the case.
  t.regex(
    byName.get("fault: a malformed frame (garbage text) closes only that connection") ?? "",
    /escaped to the process[\s\S]*uncaughtException[\s\S]*1007 is neither/,
  );
  // 1001 from a broadcast fan-out: swallowed there, leaving a zombie that never closes.
  t.regex(byName.get("fault: disconnect by id closes with 1001; the connection is gone and the client can reconnect") ?? "", /the connection was not closed/);
  // 1012 from endpoint.close().
  t.true(byName.has("fault: endpoint.close() during traffic closes every client with 1012 and nothing throws"), [...byName.keys()].join("\n"));
});

test.serial("the slow-consumer case catches a transport that never cuts off a client that stopped reading", async (t) => {
  const { test: rec, cases } = recorder();
  // Ignores the limits it is given: nothing is ever too much.
  transportSuite(rec, { ...transportOptions(() => websocket()), faults: { slowConsumer: () => websocket({ maxBufferedBytes: 2 ** 40 }) } });
  const failed = await failingCases(cases, "stops reading");
  t.is(failed.length, 1, JSON.stringify(failed));
  t.regex(failed[0]?.failures.join("\n") ?? "", /never cut off/);
});

test("cases ruled out by capabilities are registered as skipped, with the reason in the title", (t) => {
  const { test: rec, cases } = recorder();
  transportSuite(rec, {
    ...transportOptions(() => websocket()),
    capabilities: { binary: false, delivery: "poll", heartbeats: "none", closeCodes: false, rawFrames: false, checksOrigin: false },
  });
  const skipped = cases.filter((c) => c.skipped).map((c) => c.title.split(" › ").at(-1));
  t.deepEqual(skipped.sort(), [
    "a malformed frame closes only that connection [skipped: transport declares rawFrames: false]",
    "binary payload echoes back as binary [skipped: transport declares binary: false]",
    "fault: a client that stops reading is cut off (1008 ERR_SLOW_CONSUMER); others on the topic get every broadcast [skipped: no faults.slowConsumer given]",
    "fault: a malformed frame (binary frame to a text-only serializer) closes only that connection [skipped: transport declares rawFrames: false]",
    "fault: a malformed frame (garbage text) closes only that connection [skipped: transport declares rawFrames: false]",
    "fault: a malformed frame (wrong shape: an array of one null) closes only that connection [skipped: transport declares rawFrames: false]",
    "fault: a malformed frame (wrong shape: event is a number) closes only that connection [skipped: transport declares rawFrames: false]",
    "fault: idle timeout (600 ms) closes a silent client with 1001, not an active one [skipped: no faults.idleTimeout given]",
    "foreign origin is refused with 403 [skipped: transport declares checksOrigin: false]",
    "heartbeat gets an ok reply on topic phoenix [skipped: transport declares heartbeats: none]",
  ]);
  // A driver without the optional connection capabilities: those cases skip, saying why.
  const { test: rec2, cases: plain } = recorder();
  transportSuite(rec2, {
    ...transportOptions(() => websocket()),
    driver: { connect: (o) => websocketClientDriver.connect(o) },
    faults: { slowConsumer: () => websocket() },
  });
  t.deepEqual(
    plain
      .filter((c) => c.skipped)
      .map((c) => c.title.split(" › ").at(-1))
      .filter((title) => title?.startsWith("fault:"))
      .sort(),
    [
      "fault: a client that stops reading is cut off (1008 ERR_SLOW_CONSUMER); others on the topic get every broadcast [skipped: the driver declares no pauseReading]",
      "fault: a malformed frame (binary frame to a text-only serializer) closes only that connection [skipped: serializer json-v2 reads binary frames]",
      "fault: idle timeout (600 ms) closes a silent client with 1001, not an active one [skipped: no faults.idleTimeout given]",
      "fault: several messages in one read are all answered, in order [skipped: the driver declares no sendBatch]",
    ],
  );
});
