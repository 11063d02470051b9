/**
 * @fawkes/protobuf: a protobuf serializer for Fawkes sockets, negotiated with client
 * `vsn` "2.0.0-protobuf". The envelope schema is proto/fawkes.proto; the matching
 * phoenix-client codec is in `@fawkes/protobuf/client`, schema helpers in
 * `@fawkes/protobuf/schema`.
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV2 } from "@fawkes/json";
 * import { protobufSerializer } from "@fawkes/protobuf";
 * import { typesFromProto } from "@fawkes/protobuf/schema";
 * import { websocket } from "@fawkes/websocket";
 *
 * const types = typesFromProto(CHAT_PROTO, { new_msg: "chat.ChatMessage" });
 * const userSocket = defineSocket({ serializers: [protobufSerializer({ types }), jsonV2] })
 *   .transport("websocket", websocket())
 *   .channel("room:*", { join: () => ok() });
 * await new Endpoint().socket("/socket", userSocket).listen(4000);
 * ```
 */
export { protobufSerializer, protobufV2, type ProtobufSerializerOptions } from "./serializer.js";
export { PROTOBUF_VSN } from "./vsn.js";
export { CodecError } from "./codec-error.js";
export type { ProtobufTypes } from "./typed-payloads.js";
export type { EnvelopeOptions } from "./envelope.js";
