import type { BenchOptions } from "../options.js";
import { loadSerializers, serializerCases } from "./serializers.js";
import { routingCases } from "./routing.js";
import { pubsubCases } from "./pubsub.js";
import { runSuite, type MicroRow } from "./suite.js";

export type { MicroRow } from "./suite.js";

/** Every micro benchmark: serializers, routing, PubSub dispatch. */
export async function micro(options: BenchOptions, log: (line: string) => void): Promise<MicroRow[]> {
  const maxTime = options.counts.microMaxTime;
  const rows: MicroRow[] = [];
  log("micro: serializers");
  for (const { serializer, clientFrame } of await loadSerializers(log)) {
    rows.push(...runSuite(`serializer ${serializer.name}`, serializerCases(serializer, clientFrame), maxTime));
  }
  log("micro: routing");
  rows.push(...runSuite("ChannelRouter.match", routingCases(1_000), maxTime));
  log("micro: PubSub dispatch");
  rows.push(...runSuite("PubSub.localBroadcast", pubsubCases([100, 10_000]), maxTime));
  return rows;
}
