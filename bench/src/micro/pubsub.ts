import { PubSub, silentLogger, type Broadcast, type FastlaneCache, type Subscriber } from "@fawkes/core";
import { jsonV2 } from "@fawkes/json";
import { consume, type MicroCase } from "./suite.js";

/** A subscriber that takes the fastlane frame, as a joined channel does, and drops it. */
class FakeSubscriber implements Subscriber {
  received = 0;
  deliver(_broadcast: Broadcast, lane: FastlaneCache): void {
    consume(lane.frameFor(jsonV2));
    this.received++;
  }
}

/** PubSub dispatch of one broadcast to `subscribers` local subscribers of one topic. */
export function pubsubCases(counts: readonly number[]): MicroCase[] {
  return counts.map((n) => {
    const pubsub = new PubSub(silentLogger);
    const subs = Array.from({ length: n }, () => new FakeSubscriber());
    for (const s of subs) pubsub.subscribe("room:lobby", s);
    // Other topics on the same PubSub, as on a busy node.
    for (let i = 0; i < 1_000; i++) pubsub.subscribe(`room:${i}`, new FakeSubscriber());
    const broadcast: Broadcast = { topic: "room:lobby", event: "new_msg", payload: { seq: 1, body: "x".repeat(80) } };
    pubsub.localBroadcast(broadcast);
    if (subs[n - 1]!.received !== 1) throw new Error("pubsub bench: a subscriber got nothing");
    return { name: `broadcast to ${n} subscribers`, fn: () => pubsub.localBroadcast(broadcast), perOp: n };
  });
}
