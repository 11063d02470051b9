// The shared transport suite against the TCP transport, with JSON V1 and V2.
import test from "ava";
import { transportSuite } from "@fawkes/conformance/transport";
import { tcpTransport } from "@fawkes/example-tcp-transport";
import { tcpClientDriver } from "@fawkes/example-tcp-transport/testing";

transportSuite(test, {
  name: "tcp",
  transport: () => tcpTransport({ port: 0 }), // called once per case: each fixture gets its own listener
  driver: tcpClientDriver,
  // closeCodes (C lines), rawFrames (any T line) and checksOrigin (the handshake carries headers) all hold.
  capabilities: { ...tcpTransport({ port: 0 }).capabilities, closeCodes: true, rawFrames: true, checksOrigin: true },
  faults: {
    idleTimeout: (ms) => tcpTransport({ port: 0, timeout: ms }),
    slowConsumer: (limits) => tcpTransport({ port: 0, ...limits }),
  },
});
