import type { Broadcast, Frame, Serializer } from "./serializer.js";
import type { Logger } from "./transport.js";

/**
 * Encodes one broadcast at most once per serializer. Every subscriber using the
 * same serializer receives the very same frame object ("fastlane").
 */
export class FastlaneCache {
  private serializers: Serializer[] = [];
  private frames: Frame[] = [];

  constructor(readonly broadcast: Broadcast) {}

  frameFor(serializer: Serializer): Frame {
    const s = this.serializers;
    for (let i = 0; i < s.length; i++) if (s[i] === serializer) return this.frames[i]!;
    const frame = serializer.fastlane(this.broadcast);
    s.push(serializer);
    this.frames.push(frame);
    return frame;
  }
}

/** Anything subscribed to a topic: a joined channel, a socket id, a LongPoll session. */
export interface Subscriber {
  /** Called synchronously for each broadcast on a subscribed topic. Must not throw. */
  deliver(broadcast: Broadcast, lane: FastlaneCache): void;
}

/**
 * Moves broadcasts between nodes (Redis, NATS, ...). The local PubSub hands every
 * broadcast to `publish` and calls no subscriber for it twice: an adapter must not
 * echo a node's own broadcasts back to it.
 */
export interface PubSubAdapter {
  /** Start; `deliver` must be called with every broadcast published by other nodes. */
  start(node: string, deliver: (broadcast: Broadcast) => void): Promise<void>;
  /** Send a broadcast to every other node. Must not throw; failures are logged. */
  publish(broadcast: Broadcast): void;
  close(): Promise<void>;
}

/**
 * The endpoint's PubSub: local subscriptions plus an optional adapter. Delivery to
 * local subscribers is synchronous and in publish order.
 */
export class PubSub {
  private readonly topics = new Map<string, Set<Subscriber>>();

  constructor(private readonly log: Logger, private readonly adapter?: PubSubAdapter) {}

  /** Start the adapter, if any. */
  async start(node: string): Promise<void> {
    await this.adapter?.start(node, (b) => this.dispatch(b, undefined));
  }

  subscribe(topic: string, subscriber: Subscriber): void {
    let set = this.topics.get(topic);
    if (set === undefined) this.topics.set(topic, (set = new Set()));
    set.add(subscriber);
  }

  unsubscribe(topic: string, subscriber: Subscriber): void {
    const set = this.topics.get(topic);
    if (set === undefined) return;
    set.delete(subscriber);
    if (set.size === 0) this.topics.delete(topic);
  }

  /** Local subscriber count of a topic (for tests and metrics). */
  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** Broadcast to every subscriber on every node, except `from` (a local subscriber). */
  broadcast(broadcast: Broadcast, from?: Subscriber): void {
    this.adapter?.publish(broadcast);
    this.dispatch(broadcast, from);
  }

  /** Broadcast to this node's subscribers only. */
  localBroadcast(broadcast: Broadcast, from?: Subscriber): void {
    this.dispatch(broadcast, from);
  }

  async close(): Promise<void> {
    await this.adapter?.close();
  }

  private dispatch(broadcast: Broadcast, from: Subscriber | undefined): void {
    const set = this.topics.get(broadcast.topic);
    if (set === undefined) return;
    const lane = new FastlaneCache(broadcast);
    for (const subscriber of set) {
      if (subscriber === from) continue;
      try {
        subscriber.deliver(broadcast, lane);
      } catch (cause) {
        this.log.error("subscriber failed to take a broadcast", { topic: broadcast.topic, event: broadcast.event, cause });
      }
    }
  }
}
