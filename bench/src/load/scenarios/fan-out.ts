import { cpuUs, withSession, type BroadcastMode, type LoadSession } from "../harness.js";
import type { BenchOptions } from "../../options.js";
import { BROADCAST_BODY, forEachSystem, requireConnected, type SystemResult } from "./result.js";

/** One fan-out phase's figures. */
export interface FanOutPhase {
  readonly deliveries: number;
  /** Server CPU per delivered message, microseconds (broadcast phase only). */
  readonly cpuPerDeliveryUs: number;
  /** Deliveries per second, from the first broadcast to the last receipt. */
  readonly perSecond: number;
  readonly profile: string | undefined;
}

export interface FanOutFigures {
  readonly connections: number;
  /** All broadcasts fired in one synchronous loop. */
  readonly burst: FanOutPhase;
  /** One broadcast per server event-loop turn. */
  readonly spaced: FanOutPhase;
}

async function phase(s: LoadSession, broadcasts: number, mode: BroadcastMode, profile: string | undefined): Promise<FanOutPhase> {
  await s.arm(broadcasts);
  await s.measureStart(profile);
  const { t0 } = await s.broadcast(broadcasts, BROADCAST_BODY, mode);
  const got = await s.receipts(120_000);
  const cpu = await s.measureStop();
  if (got.at === undefined) throw new Error(`${mode}: only ${got.received} of ${got.expected} broadcast messages arrived (${got.lost} connections lost)`);
  return { deliveries: got.expected, cpuPerDeliveryUs: cpuUs(cpu) / got.expected, perSecond: got.expected / (Number(got.at - t0) / 1e9), profile: cpu.profile };
}

/**
 * Fan-out: N connections joined to one topic, B broadcasts of ~100 bytes, fired
 * in the server twice: as a burst (one synchronous loop) and spaced (one per
 * event-loop turn). Each phase ends when the clients confirmed every message;
 * only the phases are measured.
 */
export function fanOut(options: BenchOptions, log: (line: string) => void): Promise<SystemResult<FanOutFigures>[]> {
  const c = options.counts;
  log(`fan-out: ${c.fanOutConnections} connections x ${c.fanOutBroadcasts} broadcasts, burst and spaced`);
  return forEachSystem(
    options.systems,
    (system) =>
      withSession(system, 1, async (s) => {
        requireConnected(await s.connect(c.fanOutConnections, 100), c.fanOutConnections);
        await s.arm(c.fanOutWarmup);
        await s.broadcast(c.fanOutWarmup, BROADCAST_BODY, "spaced");
        await s.receipts(60_000);
        const burst = await phase(s, c.fanOutBroadcasts, "burst", options.profile ? "fanout-burst" : undefined);
        const spaced = await phase(s, c.fanOutBroadcasts, "spaced", options.profile ? "fanout-spaced" : undefined);
        log(
          `  ${system}: burst ${burst.cpuPerDeliveryUs.toFixed(2)} us CPU/delivery, ${Math.round(burst.perSecond)}/s; spaced ${spaced.cpuPerDeliveryUs.toFixed(2)} us, ${Math.round(spaced.perSecond)}/s`,
        );
        return { connections: c.fanOutConnections, burst, spaced };
      }),
    log,
  );
}
