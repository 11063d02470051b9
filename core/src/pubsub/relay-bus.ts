import { FawkesError } from "../errors.js";
import type { Logger } from "../contracts/logger.js";
import type { NodeRelay, RelayHandler } from "../contracts/node-relay.js";
import type { Broadcast } from "../contracts/serializer.js";
import { RESERVED_TOPIC_PREFIX, isReservedTopic } from "./reserved-topics.js";

/**
 * The endpoint's {@link NodeRelay}: relay channels are a namespace of their own,
 * apart from the channel topics of the PubSub. Handlers are kept by relay
 * channel name, never in the topic table, so no topic subscription (a joined
 * channel, `endpoint.pubsub.subscribe`) can receive a relay message, and a relay
 * handler receives nothing but relay messages.
 *
 * Between nodes a relay message rides the PubSub adapter as a broadcast on the
 * reserved topic {@link relayTopic}`(channel)`: the adapter contract stays one
 * method, and the receiving PubSub hands every reserved topic here, to nobody else.
 */
export class RelayBus implements NodeRelay {
  private readonly handlers = new Map<string, Set<RelayHandler>>();

  constructor(
    private readonly log: Logger,
    private readonly toOtherNodes: (broadcast: Broadcast) => void,
  ) {}

  subscribe(channel: string, handler: RelayHandler): () => void {
    assertRelayChannel(channel);
    let set = this.handlers.get(channel);
    if (set === undefined) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => {
      const current = this.handlers.get(channel);
      if (current === undefined) return;
      current.delete(handler);
      if (current.size === 0) this.handlers.delete(channel);
    };
  }

  publish(channel: string, event: string, payload: unknown): void {
    const topic = relayTopic(channel);
    try {
      this.toOtherNodes({ topic, event, payload });
    } catch (cause) {
      this.log.error("relay publish to other nodes failed", { channel, event, cause });
    }
    this.deliver(channel, event, payload);
  }

  /** A broadcast from another node on a reserved topic: to the relay handlers of its channel, if it is one. */
  arrived(broadcast: Broadcast): void {
    if (!isReservedTopic(broadcast.topic)) return;
    const channel = broadcast.topic.slice(RESERVED_TOPIC_PREFIX.length);
    if (channel !== "") this.deliver(channel, broadcast.event, broadcast.payload);
  }

  private deliver(channel: string, event: string, payload: unknown): void {
    const set = this.handlers.get(channel);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        handler(event, payload);
      } catch (cause) {
        this.log.error("relay handler failed", { channel, event, cause });
      }
    }
  }
}

/**
 * The reserved topic that carries relay channel `channel` through a PubSub
 * adapter (`phx:<channel>`). Only adapters see it: no client can join it and no
 * user broadcast can be sent to it (`ERR_RESERVED_TOPIC`). Throws
 * `ERR_BAD_OPTION` for an empty channel name.
 */
export function relayTopic(channel: string): string {
  assertRelayChannel(channel);
  return RESERVED_TOPIC_PREFIX + channel;
}

function assertRelayChannel(channel: string): void {
  if (typeof channel !== "string" || channel === "") throw new FawkesError("ERR_BAD_OPTION", "a relay channel must be a non-empty string");
}
