/**
 * @fawkes/msgpack: a MessagePack serializer for Fawkes sockets, negotiated with
 * client `vsn` "2.0.0-msgpack". The matching phoenix-client codec is in
 * `@fawkes/msgpack/client`.
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV1, jsonV2 } from "@fawkes/json";
 * import { msgpackV2 } from "@fawkes/msgpack";
 * import { websocket } from "@fawkes/websocket";
 *
 * const userSocket = defineSocket({ serializers: [msgpackV2, jsonV2, jsonV1] })
 *   .transport("websocket", websocket())
 *   .channel("room:*", { join: () => ok() });
 * await new Endpoint().socket("/socket", userSocket).listen(4000);
 * ```
 */
export { msgpackSerializer, msgpackV2, type MsgpackSerializerOptions } from "./serializer.js";
export { MSGPACK_VSN } from "./vsn.js";
export { CodecError } from "./codec-error.js";
