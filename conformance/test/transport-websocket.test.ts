// The transport suite against the real WebSocket transport, with JSON V1 and V2.
import test from "ava";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { transportSuite } from "@fawkes/conformance/transport";

transportSuite(test, {
  name: "websocket",
  transport: () => websocket(),
  driver: websocketClientDriver,
  capabilities: websocket().capabilities,
  faults: {
    idleTimeout: (ms) => websocket({ timeout: ms }),
    slowConsumer: (limits) => websocket(limits),
  },
});
