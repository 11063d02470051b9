import test from "ava";
import { transportSuite } from "@fawkes/conformance";
import { sockjs } from "@fawkes/sockjs";
import { sockjsClientDriver, sockjsWebSocketDriver } from "@fawkes/sockjs/testing";
import type { ClientDriver } from "@fawkes/core/testing";

const faults = {
  idleTimeout: (ms: number) => sockjs({ timeout: ms }),
  // The back-pressure options arrive with the sockjs branch (shared SlowConsumerWatch).
  slowConsumer: (limits: object) => sockjs(limits),
};

// Once per sub-transport that sockjs-client can use in Node (the others need a
// browser), then on both WebSocket endpoints with our own client, which can
// batch messages into one SockJS frame and stop reading.
const drivers: [string, ClientDriver][] = [
  ...(["websocket", "xhr-streaming", "xhr-polling", "eventsource"] as const).map((sub): [string, ClientDriver] => [
    sub,
    sockjsClientDriver({ transports: [sub] }),
  ]),
  ["framed websocket, own client", sockjsWebSocketDriver({ endpoint: "framed" })],
  ["raw websocket, own client", sockjsWebSocketDriver({ endpoint: "raw" })],
];

for (const [label, driver] of drivers) {
  transportSuite(test, {
    name: "sockjs",
    title: `transport sockjs (${label})`,
    transport: () => sockjs(),
    driver,
    capabilities: sockjs().capabilities,
    faults,
  });
}
