/** Called for each relay message on a subscribed relay channel. Errors are logged. */
export type RelayHandler = (event: string, payload: unknown) => void;

/**
 * Node-to-node messages for transports, given to them as `host.relay` (the
 * LongPoll relay reaches a session held by another node through it; presence
 * and recovery will use it too).
 *
 * Relay channels are a namespace of their own, not channel topics: a relay
 * channel named `lp:abc` and the channel topic `lp:abc` never meet. No route
 * (a `channel("*", ...)` one included), no `endpoint.pubsub.subscribe` and no
 * user broadcast reaches a relay handler; a relay handler receives only what a
 * node published with {@link NodeRelay.publish}.
 *
 * Payloads must be plain JSON so that any PubSub adapter can carry them.
 */
export interface NodeRelay {
  /** Receive what any node (this one included) publishes on `channel`. Returns the unsubscribe function. */
  subscribe(channel: string, handler: RelayHandler): () => void;
  /** Send `event` with `payload` to every subscriber of `channel` on every node. Never throws for a valid channel. */
  publish(channel: string, event: string, payload: unknown): void;
}
