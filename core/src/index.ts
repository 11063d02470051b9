/**
 * @fawkes/core: Phoenix-style sockets and channels for Node.js.
 *
 * ```ts
 * import { Endpoint, defineSocket, ok } from "@fawkes/core";
 * import { jsonV1, jsonV2 } from "@fawkes/json";
 * import { websocket } from "@fawkes/websocket";
 *
 * const userSocket = defineSocket({
 *   serializers: [jsonV2, jsonV1],
 *   connect(params, socket) { socket.assign("user_id", params.user_id); return true; },
 *   id: (socket) => `users_socket:${socket.assigns.user_id}`,
 * })
 *   .transport("websocket", websocket())
 *   .channel("room:*", {
 *     join: (topic) => ok({ topic }),
 *     handleIn(event, payload, socket) { socket.broadcast(event, payload); return ok(); },
 *   });
 *
 * const endpoint = new Endpoint().socket("/socket", userSocket);
 * await endpoint.listen(4000);
 * ```
 *
 * Server code only. The phoenix-client codec contracts (`PhoenixCodec`, `CodecError`)
 * are the browser-safe `@fawkes/core/codec`; the client-driver contract and
 * `FrameInbox` are `@fawkes/core/testing`.
 */
export { Endpoint, type EndpointOptions } from "./endpoint.js";
export { silentLogger, type Logger } from "./contracts/logger.js";
export {
  SocketHandler,
  defineSocket,
  DEFAULT_MESSAGE_RATE,
  DEFAULT_JOIN_RATE,
  type SocketOptions,
  type ChannelOptions,
  type ConnectInfo,
} from "./socket/socket-definition.js";
export { Admission, DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECT_RATE, type AdmissionOptions } from "./limits/admission.js";
export { DEFAULT_DRAIN, type DrainOptions, type DrainPlan } from "./limits/drain.js";
export { RateLimiter, type RateLimit, type RateDecision } from "./limits/rate-limit.js";
export { Socket, type Assigns, type SocketEndpoint } from "./state/socket-state.js";
export { ChannelSocket, SocketRef } from "./channel/channel-socket.js";
export { instantiateChannel, type Channel, type ChannelDefinition, type TerminateReason } from "./channel/channel.js";
export {
  ok,
  error,
  reply,
  noreply,
  stop,
  refuse,
  type OkResult,
  type ErrorResult,
  type ReplyResult,
  type NoReplyResult,
  type StopResult,
  type RefuseResult,
  type ConnectResult,
  type JoinResult,
  type InResult,
  type OutResult,
} from "./results.js";
export { ChannelRouter, type Route } from "./channel/channel-router.js";
export { PubSub } from "./pubsub/pubsub.js";
export { FastlaneCache } from "./pubsub/fastlane-cache.js";
export type { Subscriber } from "./pubsub/subscriber.js";
export type { PubSubAdapter } from "./contracts/pubsub-adapter.js";
export { FawkesError, SerializerError, CloseCode } from "./errors.js";
export { RESERVED_TOPIC_PREFIX, isReservedTopic } from "./pubsub/reserved-topics.js";
export { relayTopic } from "./pubsub/relay-bus.js";
export type { NodeRelay, RelayHandler } from "./contracts/node-relay.js";
export {
  isReply,
  vsnMatches,
  negotiateSerializer,
  type Frame,
  type Message,
  type Reply,
  type Broadcast,
  type Outbound,
  type Serializer,
} from "./contracts/serializer.js";
export type {
  Transport,
  TransportCapabilities,
  TransportContext,
  TransportHost,
  TransportInstance,
  ConnectRequest,
  ConnectDecision,
  ConnectAcceptance,
  ConnectRefusal,
  ConnectionSink,
  ConnectionPort,
} from "./contracts/transport.js";
export { originChecker, type CheckOrigin } from "./http/origin.js";
export {
  guarded,
  truncateCloseReason,
  resolveBackpressure,
  SlowConsumerWatch,
  MAX_CLOSE_REASON_BYTES,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_SLOW_CONSUMER_GRACE_MS,
  type BackpressureOptions,
  type Backpressure,
} from "./transport-kit/transport-safety.js";
export { parseParams, type Params, type ParamValue } from "./http/params.js";
export { connectRequestFrom, splitPathQuery, type ConnectRequestExtra, type PathQuery, type RequestSource } from "./http/connect-request.js";
