import test from "ava";
import { transportSuite } from "@fawkes/conformance";
import { sockjs } from "@fawkes/sockjs";
import { sockjsClientDriver } from "@fawkes/sockjs/testing";

// Once per sub-transport that sockjs-client can use in Node; the others need a browser.
for (const sub of ["websocket", "xhr-streaming", "xhr-polling", "eventsource"] as const) {
  transportSuite(test, {
    name: "sockjs",
    title: `transport sockjs (${sub})`,
    transport: () => sockjs(),
    driver: sockjsClientDriver({ transports: [sub] }),
    capabilities: sockjs().capabilities,
  });
}
