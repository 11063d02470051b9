import { FawkesError } from "../errors.js";
import type { Logger } from "../contracts/logger.js";
import type { NodeRelay } from "../contracts/node-relay.js";
import type { PubSubAdapter } from "../contracts/pubsub-adapter.js";
import type { Broadcast, Serializer } from "../contracts/serializer.js";
import { FastlaneCache } from "./fastlane-cache.js";
import { RelayBus } from "./relay-bus.js";
import { assertUserTopic, isReservedTopic } from "./reserved-topics.js";
import type { Subscriber } from "./subscriber.js";
import { TopicSubscribers } from "./topic-subscribers.js";

/**
 * The endpoint's PubSub: local subscriptions plus an optional adapter. Delivery to
 * local subscribers is synchronous and in publish order.
 *
 * A broadcast is encoded for every serializer its local subscribers use before
 * it is published or delivered (with none, it is still checked once with the
 * endpoint's first serializer), so `broadcast` throws `ERR_UNENCODABLE` (the
 * serializer's error as `cause`) to its caller and nobody, here or on another
 * node, receives it. Topics starting with `phx:` are reserved
 * (`ERR_RESERVED_TOPIC`).
 *
 * Two namespaces: channel topics (`subscribe`, `broadcast`) and, apart from
 * them, the node-to-node {@link relay} for transports. A relay message never
 * enters the topic table, here or on the node that receives it, so no topic
 * subscriber sees one.
 */
export class PubSub {
  /** Node-to-node messages for transports, apart from every channel topic (see {@link NodeRelay}). */
  readonly relay: NodeRelay;
  private readonly bus: RelayBus;
  private readonly topics = new Map<string, TopicSubscribers>();
  /** Checks broadcasts that no local subscriber would encode. */
  private validator: Serializer | undefined;

  constructor(
    private readonly log: Logger,
    private readonly adapter?: PubSubAdapter,
  ) {
    this.bus = new RelayBus(log, (b) => this.adapter?.publish(b));
    this.relay = this.bus;
  }

  /** Start the adapter, if any. */
  async start(node: string): Promise<void> {
    await this.adapter?.start(node, (b) => this.arrived(b));
  }

  /**
   * The serializer that checks a broadcast no local subscriber would encode
   * (the endpoint sets its first serializer). Without one, such a broadcast is
   * not checked here.
   */
  validateWith(serializer: Serializer | undefined): void {
    this.validator = serializer;
  }

  /**
   * Deliver every broadcast on `topic` to `subscriber`, until {@link unsubscribe}.
   * A reserved (`phx:`) topic never delivers anything: no broadcast may be sent
   * to one, and relay messages are not topic broadcasts.
   */
  subscribe(topic: string, subscriber: Subscriber): void {
    let entry = this.topics.get(topic);
    if (entry === undefined) this.topics.set(topic, (entry = new TopicSubscribers()));
    entry.add(subscriber);
  }

  unsubscribe(topic: string, subscriber: Subscriber): void {
    const entry = this.topics.get(topic);
    if (entry === undefined) return;
    entry.delete(subscriber);
    if (entry.size === 0) this.topics.delete(topic);
  }

  /** Local subscriber count of a topic (for tests and metrics). */
  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /**
   * Broadcast to every subscriber on every node, except `from` (a local subscriber).
   * Throws `ERR_RESERVED_TOPIC` or `ERR_UNENCODABLE`; then nothing was sent.
   */
  broadcast(broadcast: Broadcast, from?: Subscriber): void {
    const lane = this.prepare(broadcast);
    this.adapter?.publish(broadcast);
    this.dispatch(lane, from);
  }

  /** Broadcast to this node's subscribers only. Throws as {@link broadcast}. */
  localBroadcast(broadcast: Broadcast, from?: Subscriber): void {
    this.dispatch(this.prepare(broadcast), from);
  }

  async close(): Promise<void> {
    await this.adapter?.close();
  }

  /** Checks a user broadcast and encodes it for every local serializer; throws. */
  private prepare(broadcast: Broadcast): FastlaneCache {
    assertUserTopic(broadcast.topic);
    const lane = new FastlaneCache(broadcast);
    const entry = this.topics.get(broadcast.topic);
    const serializers = entry?.serializers;
    if (serializers !== undefined && serializers.length > 0) for (const s of serializers) encode(lane, s);
    else if (this.validator !== undefined) encode(lane, this.validator);
    return lane;
  }

  /** A broadcast from another node: a reserved topic to the relay (and nowhere else), the rest to subscribers. */
  private arrived(broadcast: Broadcast): void {
    if (isReservedTopic(broadcast.topic)) {
      this.bus.arrived(broadcast);
      return;
    }
    const lane = new FastlaneCache(broadcast);
    try {
      for (const s of this.topics.get(broadcast.topic)?.serializers ?? []) encode(lane, s);
    } catch (cause) {
      this.log.error("dropped a broadcast from another node that cannot be encoded here", {
        code: "ERR_UNENCODABLE",
        topic: broadcast.topic,
        event: broadcast.event,
        cause,
      });
      return;
    }
    this.dispatch(lane, undefined);
  }

  private dispatch(lane: FastlaneCache, from: Subscriber | undefined): void {
    const broadcast = lane.broadcast;
    const entry = this.topics.get(broadcast.topic);
    if (entry === undefined) return;
    for (const subscriber of entry.all()) {
      if (subscriber === from) continue;
      try {
        subscriber.deliver(broadcast, lane);
      } catch (cause) {
        this.log.error("subscriber failed to take a broadcast", { topic: broadcast.topic, event: broadcast.event, cause });
      }
    }
  }
}

function encode(lane: FastlaneCache, serializer: Serializer): void {
  try {
    lane.frameFor(serializer);
  } catch (cause) {
    const { topic, event } = lane.broadcast;
    throw new FawkesError(
      "ERR_UNENCODABLE",
      `broadcast ${JSON.stringify(event)} on ${JSON.stringify(topic)} cannot be encoded by serializer ${serializer.name}`,
      { cause },
    );
  }
}
