// The browser-facing codecs in a real browser: @fawkes/msgpack/client and
// @fawkes/protobuf/client, bundled by esbuild with the official phoenix client and
// run in Chromium over its native WebSocket against the fixture app. Phoenix's own
// JSON codec runs the same scenario as the control case.
import test from "ava";
import { jsonV1, jsonV2 } from "@fawkes/json";
import { msgpackV2 } from "@fawkes/msgpack";
import { protobufV2 } from "@fawkes/protobuf";
import { websocket } from "@fawkes/websocket";
import { browserTest, browserTitle, bundlePage, openScenarioPage, sharedBrowser, startPageServer } from "./browser-harness.js";
import { BINARY_SAMPLE, BROADCAST_SAMPLE, JSON_SAMPLE } from "./browser/scenario.js";

const browser = sharedBrowser(test);

const cases = [
  { entry: "msgpack-page", vsn: "2.0.0-msgpack", what: "@fawkes/msgpack/client" },
  { entry: "protobuf-page", vsn: "2.0.0-protobuf", what: "@fawkes/protobuf/client" },
  { entry: "json-page", vsn: "2.0.0", what: "phoenix's own JSON codec (control)" },
] as const;

for (const c of cases) {
  browserTest(test)(browserTitle(`${c.what} (vsn ${c.vsn}) over WebSocket: join, JSON and ArrayBuffer echo, broadcast`), async (t) => {
    t.timeout(20_000);
    const server = await startPageServer({
      transports: { websocket: websocket() },
      serializers: [jsonV2, jsonV1, msgpackV2, protobufV2],
      bundle: await bundlePage(c.entry),
    });
    t.teardown(() => server.close());
    const page = await openScenarioPage(await browser(), server, t);
    const result = await page.run({ endpoint: `${server.url.replace(/^http/, "ws")}/socket`, topic: "room:b", binaryEcho: true, binaryRefused: false });

    t.deepEqual(result.joinReply, { joined: "room:b" });
    t.deepEqual(result.joinedPush, { topic: "room:b" });
    t.deepEqual(result.echoJson, JSON_SAMPLE);
    t.deepEqual(result.echoBinary, { isArrayBuffer: true, bytes: BINARY_SAMPLE });
    t.deepEqual(result.broadcast, BROADCAST_SAMPLE);
    t.is(result.socketErrors, 0);
    // The page spoke the codec's vsn over one WebSocket, and logged no error.
    t.deepEqual(
      page.websockets.map((u) => [new URL(u).pathname, new URL(u).searchParams.get("vsn")]),
      [["/socket/websocket", c.vsn]],
    );
    t.deepEqual(
      server.connects.map((x) => x.transport),
      ["websocket"],
    );
    t.deepEqual(page.errors, []);
  });
}
