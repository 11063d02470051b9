import type { Serializer } from "../contracts/serializer.js";
import type { Subscriber } from "./subscriber.js";

/**
 * The local subscribers of one topic, and the distinct serializers they take
 * fastlane frames in (counted, so a broadcast knows what to encode up front
 * without walking the subscribers twice).
 */
export class TopicSubscribers {
  private readonly set = new Set<Subscriber>();
  private readonly counts = new Map<Serializer, number>();
  private cached: readonly Serializer[] | undefined = [];

  get size(): number {
    return this.set.size;
  }

  /** The distinct serializers of the subscribers, in first-subscribed order. */
  get serializers(): readonly Serializer[] {
    return (this.cached ??= [...this.counts.keys()]);
  }

  add(subscriber: Subscriber): void {
    if (this.set.has(subscriber)) return;
    this.set.add(subscriber);
    const s = subscriber.serializer;
    if (s === undefined) return;
    const n = this.counts.get(s) ?? 0;
    this.counts.set(s, n + 1);
    if (n === 0) this.cached = undefined;
  }

  delete(subscriber: Subscriber): void {
    if (!this.set.delete(subscriber)) return;
    const s = subscriber.serializer;
    if (s === undefined) return;
    const n = this.counts.get(s) ?? 0;
    if (n <= 1) {
      this.counts.delete(s);
      this.cached = undefined;
    } else this.counts.set(s, n - 1);
  }

  /** The subscribers; the live set (delivery is synchronous and never subscribes). */
  all(): Iterable<Subscriber> {
    return this.set;
  }
}
