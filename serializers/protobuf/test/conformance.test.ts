import test from "ava";
import { fromPhoenixSerializer, serializerSuite, transportSuite } from "@fawkes/conformance";
import { protobufSerializer, protobufV2, PROTOBUF_VSN } from "@fawkes/protobuf";
import { protobufCodec } from "@fawkes/protobuf/client";
import { websocket } from "@fawkes/websocket";
import { websocketClientDriver } from "@fawkes/websocket/testing";
import { chatTypes } from "./chat-types.js";
import { protobufGolden, protobufMalformed } from "./golden.js";

// The suites speak protobuf through the same client codec the phoenix client uses.
const codec = fromPhoenixSerializer(PROTOBUF_VSN, protobufCodec());

serializerSuite(test, {
  serializer: protobufV2,
  codec,
  capabilities: { binaryPayloads: true },
  golden: protobufGolden,
  malformed: protobufMalformed,
});

// With typed payloads registered, everything else must behave the same.
serializerSuite(test, {
  title: "serializer protobuf with typed payloads",
  serializer: protobufSerializer({ types: chatTypes }),
  codec: fromPhoenixSerializer(PROTOBUF_VSN, protobufCodec({ types: chatTypes })),
  capabilities: { binaryPayloads: true },
  golden: protobufGolden,
  malformed: protobufMalformed,
});

transportSuite(test, {
  name: "websocket",
  title: "transport websocket with protobuf",
  transport: () => websocket(),
  driver: websocketClientDriver,
  capabilities: websocket().capabilities,
  // The fault cases with this serializer's frames on the wire (idle, slow consumer).
  faults: { idleTimeout: (ms) => websocket({ timeout: ms }), slowConsumer: (limits) => websocket(limits) },
  serializers: [{ serializer: protobufV2, codec, binaryPayloads: true }],
});
