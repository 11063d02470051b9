import test from "ava";
import { FawkesError } from "@fawkes/core";
import { WEBSOCKET_DEFAULTS, websocket, type WebSocketOptions } from "@fawkes/websocket";

test("websocket() declares its kind and capabilities", (t) => {
  const transport = websocket();
  t.is(transport.kind, "websocket");
  t.deepEqual(transport.capabilities, { binary: true, delivery: "push", heartbeats: "client" });
  t.is(transport.checkOrigin, undefined);
});

test("checkOrigin is passed through for the core to enforce", (t) => {
  t.deepEqual(websocket({ checkOrigin: ["//*.example.com"] }).checkOrigin, ["//*.example.com"]);
  t.is(websocket({ checkOrigin: false }).checkOrigin, false);
});

test("the documented defaults", (t) => {
  t.deepEqual(
    { ...WEBSOCKET_DEFAULTS },
    {
      timeout: 60_000,
      maxFrameSize: 1_048_576,
      compress: false,
      subprotocols: [],
      maxBufferedBytes: 4_194_304,
      hardMaxBufferedBytes: 16_777_216,
      slowConsumerGraceMs: 2000,
    },
  );
});

const bad: [string, unknown][] = [
  ["timeout 0", { timeout: 0 }],
  ["timeout -1", { timeout: -1 }],
  ["timeout 1.5", { timeout: 1.5 }],
  ["timeout as a string", { timeout: "60s" }],
  ["maxFrameSize 0", { maxFrameSize: 0 }],
  ["maxFrameSize NaN", { maxFrameSize: Number.NaN }],
  ["maxBufferedBytes -5", { maxBufferedBytes: -5 }],
  ["hardMaxBufferedBytes below maxBufferedBytes", { maxBufferedBytes: 1000, hardMaxBufferedBytes: 999 }],
  ["hardMaxBufferedBytes below the default soft limit", { hardMaxBufferedBytes: 1024 }],
  ["slowConsumerGraceMs 0", { slowConsumerGraceMs: 0 }],
  ["slowConsumerGraceMs NaN", { slowConsumerGraceMs: Number.NaN }],
  ["compress as a string", { compress: "yes" }],
  ["a subprotocol with a space", { subprotocols: ["my proto"] }],
  ["subprotocols as a string", { subprotocols: "mqtt" }],
  ["a malformed checkOrigin entry", { checkOrigin: ["example.com/path"] }],
  ["an unknown option", { timout: 5 }],
];
for (const [what, options] of bad) {
  test(`rejects ${what} with ERR_BAD_OPTION`, (t) => {
    const error = t.throws(() => websocket(options as WebSocketOptions), { instanceOf: FawkesError });
    t.is((error as FawkesError).code, "ERR_BAD_OPTION");
  });
}

test("accepts timeout Infinity and extra subprotocols", (t) => {
  t.notThrows(() => websocket({ timeout: Infinity, subprotocols: ["mqtt", "v2.json"] }));
});
