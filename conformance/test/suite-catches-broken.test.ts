// The suites fail against broken implementations (run through a recording `test`).
import test from "ava";
import { jsonV2 } from "@fawkes/json";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { jsonV2Codec, serializerSuite, transportSuite, type TransportSuiteOptions } from "@fawkes/conformance";
import { failingCases, recorder } from "./recording.js";
import { dropping, dropsJoinRef, forgetsClose, reordering, trustsInput, wrapTransport } from "./broken-wrappers.js";

const v2Only = [{ serializer: jsonV2, codec: jsonV2Codec, binaryPayloads: true }];

function transportOptions(transport: () => ReturnType<typeof websocket>): TransportSuiteOptions {
  return { name: "websocket", transport, driver: websocketClientDriver, capabilities: websocket().capabilities, serializers: v2Only, receiveTimeoutMs: 500 };
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
  t.true(failed.some((title) => title.includes("client->server: phx_join with join_ref and ref")), failed.join("\n"));
});

test("the serializer suite catches a decode that throws TypeError on garbage", async (t) => {
  const { test: rec, cases } = recorder();
  serializerSuite(rec, { serializer: trustsInput, codec: jsonV2Codec, capabilities: { binaryPayloads: true } });
  const failed = await failingCases(cases);
  t.true(failed.some((r) => r.title.includes("malformed:")), JSON.stringify(failed));
  t.false(failed.some((r) => r.title.includes("client->server")), "well-formed input still decodes");
});

test("the transport suite passes the real websocket transport through the recorder (control)", async (t) => {
  const { test: rec, cases } = recorder();
  transportSuite(rec, transportOptions(() => websocket()));
  t.deepEqual(await failingCases(cases), []);
});

test("the transport suite catches a transport that reorders outbound frames", async (t) => {
  const { test: rec, cases } = recorder();
  transportSuite(rec, transportOptions(() => wrapTransport(websocket(), { sink: reordering })));
  const failed = await failingCases(cases);
  t.true(failed.length > 5, `only ${failed.length} cases failed`);
  t.true(failed.some((r) => r.title.includes("pipelined events are answered in order")));
});

test("the transport suite catches a transport that drops frames", async (t) => {
  const { test: rec, cases } = recorder();
  transportSuite(rec, transportOptions(() => wrapTransport(websocket(), { sink: dropping })));
  const failed = await failingCases(cases);
  t.true(failed.length > 5, `only ${failed.length} cases failed`);
});

test("the transport suite catches a transport that never reports a closed connection", async (t) => {
  const { test: rec, cases } = recorder();
  transportSuite(rec, transportOptions(() => wrapTransport(websocket(), { port: forgetsClose })));
  const failed = (await failingCases(cases)).map((r) => r.title);
  t.deepEqual(failed.map((title) => title.split(" › ").at(-1)), ["a client close is reported to the core (channels terminate)"]);
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
    "foreign origin is refused with 403 [skipped: transport declares checksOrigin: false]",
    "heartbeat gets an ok reply on topic phoenix [skipped: transport declares heartbeats: none]",
  ]);
});
