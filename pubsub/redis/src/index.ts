/**
 * @fawkes/redis: broadcasts between Fawkes nodes over Redis PubSub.
 *
 * ```ts
 * import { Endpoint } from "@fawkes/core";
 * import { redisPubSub } from "@fawkes/redis";
 *
 * const endpoint = new Endpoint({
 *   node: "web-1",                                   // unique per node
 *   pubsub: redisPubSub({ url: "redis://127.0.0.1:6379", channelPrefix: "myapp" }),
 * }).socket("/socket", userSocket);
 * await endpoint.listen(4000);                       // rejects with ERR_PUBSUB_UNAVAILABLE if Redis is not there
 * endpoint.broadcast("room:lobby", "new_msg", { body: "hi" });  // reaches room:lobby on every node
 * ```
 */
export { redisPubSub, RedisPubSub } from "./redis-pubsub.js";
export type { RedisPubSubOptions } from "./options.js";
export { ChannelLayout, topicShard } from "./channel-layout.js";
export { encodeEnvelope, readHeader, readBroadcast, KIND_JSON, KIND_BINARY, type EnvelopeHeader } from "./envelope.js";
