import test from "ava";
import { fromPhoenixSerializer, serializerSuite, transportSuite } from "@fawkes/conformance";
import { msgpackV2, MSGPACK_VSN } from "@fawkes/msgpack";
import { msgpackCodec } from "@fawkes/msgpack/client";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { msgpackGolden, msgpackMalformed } from "./golden.js";

// The suites speak MessagePack through the same client codec the phoenix client uses.
const codec = fromPhoenixSerializer(MSGPACK_VSN, msgpackCodec);

serializerSuite(test, {
  serializer: msgpackV2,
  codec,
  capabilities: { binaryPayloads: true },
  golden: msgpackGolden,
  malformed: msgpackMalformed,
});

transportSuite(test, {
  name: "websocket",
  title: "transport websocket with msgpack",
  transport: () => websocket(),
  driver: websocketClientDriver,
  capabilities: websocket().capabilities,
  // The fault cases with this serializer's frames on the wire (idle, slow consumer).
  faults: { idleTimeout: (ms) => websocket({ timeout: ms }), slowConsumer: (limits) => websocket(limits) },
  serializers: [{ serializer: msgpackV2, codec, binaryPayloads: true }],
});
