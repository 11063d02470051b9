/**
 * The soak's bookkeeping: who was subscribed to which room when, which broadcasts
 * were sent and acknowledged, and who received what. From it, {@link DeliveryLedger.audit}
 * computes the deliveries owed and the ones lost.
 *
 * A delivery is owed when the subscriber's join reply arrived before the broadcast was
 * pushed, and the subscriber started leaving (sent its barrier, see `soak-client.ts`)
 * only after the sender got the push's reply. Both edges are causal: the server
 * subscribed the subscriber before replying to its join, and fanned the broadcast out
 * before replying to the push, so an owed delivery was queued on the subscriber's
 * connection before its barrier arrived and must reach it before the barrier's reply.
 */
export class DeliveryLedger {
  private readonly subscribers = new Map<
    string,
    {
      room: string;
      label: string;
      joinedAt: number;
      leftAt: number | undefined;
      leaveAnsweredAt: number | undefined;
      lastReceiptAt: number;
      received: Set<string>;
    }
  >();
  private readonly messages = new Map<string, { room: string; sentAt: number; ackAt: number | undefined }>();
  private readonly latencies: number[] = [];
  private duplicates = 0;
  private strays = 0;

  /** The subscriber's join reply arrived at `at`. */
  joined(subscriber: string, room: string, at: number, label = subscriber): void {
    this.subscribers.set(subscriber, { room, label, joinedAt: at, leftAt: undefined, leaveAnsweredAt: undefined, lastReceiptAt: NaN, received: new Set() });
  }

  /** The subscriber started leaving at `at` (its barrier went out, or its visit ended): nothing sent later is owed to it. */
  leaving(subscriber: string, at: number): void {
    const s = this.subscribers.get(subscriber);
    if (s !== undefined && s.leftAt === undefined) s.leftAt = at;
  }

  /** The subscriber's leave was answered at `at` (for failure reports). */
  leaveAnswered(subscriber: string, at: number): void {
    const s = this.subscribers.get(subscriber);
    if (s !== undefined) s.leaveAnsweredAt = at;
  }

  /** Broadcast `id` was pushed to `room` at `at`. */
  sent(id: string, room: string, at: number): void {
    this.messages.set(id, { room, sentAt: at, ackAt: undefined });
  }

  /** The push of broadcast `id` was answered ok at `at`. */
  acked(id: string, at: number): void {
    const m = this.messages.get(id);
    if (m !== undefined) m.ackAt = at;
  }

  /** `subscriber` received broadcast `id` at `at`. */
  received(subscriber: string, id: string, at: number): void {
    const s = this.subscribers.get(subscriber);
    const m = this.messages.get(id);
    if (s === undefined || m === undefined || m.room !== s.room) {
      this.strays++;
      return;
    }
    if (s.received.has(id)) {
      this.duplicates++;
      return;
    }
    s.received.add(id);
    s.lastReceiptAt = at;
    this.latencies.push(at - m.sentAt);
  }

  /** Owed, delivered and lost deliveries, and the latency distribution (ms). */
  audit(): DeliveryAudit {
    const byRoom = new Map<string, { label: string; joinedAt: number; leftAt: number; answeredAt: number; lastAt: number; received: Set<string> }[]>();
    for (const s of this.subscribers.values()) {
      const list = byRoom.get(s.room) ?? [];
      list.push({
        label: s.label,
        answeredAt: s.leaveAnsweredAt ?? NaN,
        lastAt: s.lastReceiptAt,
        joinedAt: s.joinedAt,
        leftAt: s.leftAt ?? Infinity,
        received: s.received,
      });
      byRoom.set(s.room, list);
    }
    let owed = 0;
    let lost = 0;
    let unacked = 0;
    const lostExamples: string[] = [];
    for (const [id, m] of this.messages) {
      if (m.ackAt === undefined) {
        unacked++;
        continue;
      }
      for (const s of byRoom.get(m.room) ?? []) {
        if (!(s.joinedAt < m.sentAt && s.leftAt > m.ackAt)) continue;
        owed++;
        if (!s.received.has(id)) {
          lost++;
          if (lostExamples.length < 5)
            lostExamples.push(
              `${id} (sent ${m.sentAt.toFixed(0)}, acked ${m.ackAt.toFixed(0)}) to ${s.label} (joined ${s.joinedAt.toFixed(0)}, left ${s.leftAt.toFixed(0)}, leave answered ${s.answeredAt.toFixed(0)}, last receipt ${s.lastAt.toFixed(0)}) in ${m.room}`,
            );
        }
      }
    }
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
    return {
      subscribers: this.subscribers.size,
      messages: this.messages.size,
      unacked,
      owed,
      delivered: this.latencies.length,
      lost,
      lostExamples,
      duplicates: this.duplicates,
      strays: this.strays,
      latencyMs: { p50: pct(50), p99: pct(99), max: sorted.at(-1) ?? NaN },
    };
  }
}

/** What {@link DeliveryLedger.audit} found. */
export interface DeliveryAudit {
  readonly subscribers: number;
  /** Broadcasts pushed. */
  readonly messages: number;
  /** Pushes that never got their ok reply. */
  readonly unacked: number;
  /** Deliveries owed to live subscribers. */
  readonly owed: number;
  /** Deliveries received (owed or not: a subscriber may get more than it is owed). */
  readonly delivered: number;
  /** Owed deliveries that never arrived. */
  readonly lost: number;
  readonly lostExamples: readonly string[];
  /** Broadcasts a subscriber received twice. */
  readonly duplicates: number;
  /** Broadcasts received by a subscriber of another room, or never sent. */
  readonly strays: number;
  /** Push to delivery, over every delivery. */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}
