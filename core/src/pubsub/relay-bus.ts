import { FawkesError } from "./errors.js";
import { RESERVED_TOPIC_PREFIX, isReservedTopic } from "./reserved-topics.js";
import type { Broadcast } from "./serializer.js";
import type { Logger } from "./transport.js";

/** Called for each relay message on a subscribed channel. Errors are logged. */
export type RelayHandler = (event: string, payload: unknown) => void;

/**
 * Node-to-node messages for transports (the LongPoll relay reaches a session
 * held by another node through it). A relay channel `lp:abc` travels as the
 * reserved topic `phx:lp:abc` through the endpoint's PubSub adapter, but it is
 * a namespace of its own: no user broadcast can be sent to a `phx:` topic
 * (`ERR_RESERVED_TOPIC`), no client can join one, and relay handlers receive
 * only what a node published with {@link NodeRelay.publish}.
 *
 * Payloads must be plain JSON so that any adapter can carry them.
 */
export interface NodeRelay {
  /** Receive what any node (this one included) publishes on `channel`. Returns the unsubscribe function. */
  subscribe(channel: string, handler: RelayHandler): () => void;
  /** Send `event` with `payload` to every subscriber of `channel` on every node. Never throws for a valid channel. */
  publish(channel: string, event: string, payload: unknown): void;
}

/** The endpoint's {@link NodeRelay}: local handlers plus the adapter's way out. */
export class RelayBus implements NodeRelay {
  private readonly handlers = new Map<string, Set<RelayHandler>>();

  constructor(private readonly log: Logger, private readonly publishRemote: (broadcast: Broadcast) => void) {}

  subscribe(channel: string, handler: RelayHandler): () => void {
    const topic = relayTopic(channel);
    let set = this.handlers.get(topic);
    if (set === undefined) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => {
      const current = this.handlers.get(topic);
      if (current === undefined) return;
      current.delete(handler);
      if (current.size === 0) this.handlers.delete(topic);
    };
  }

  publish(channel: string, event: string, payload: unknown): void {
    const broadcast: Broadcast = { topic: relayTopic(channel), event, payload };
    try {
      this.publishRemote(broadcast);
    } catch (cause) {
      this.log.error("relay publish to other nodes failed", { topic: broadcast.topic, event, cause });
    }
    this.receive(broadcast);
  }

  /** A relay message that arrived (from the adapter, or published here). Ignores non-relay topics. */
  receive(broadcast: Broadcast): void {
    if (!isReservedTopic(broadcast.topic)) return;
    const set = this.handlers.get(broadcast.topic);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        handler(broadcast.event, broadcast.payload);
      } catch (cause) {
        this.log.error("relay handler failed", { topic: broadcast.topic, event: broadcast.event, cause });
      }
    }
  }
}

/** The reserved topic that carries relay channel `channel`. */
export function relayTopic(channel: string): string {
  if (typeof channel !== "string" || channel === "") throw new FawkesError("ERR_BAD_OPTION", "a relay channel must be a non-empty string");
  return RESERVED_TOPIC_PREFIX + channel;
}
