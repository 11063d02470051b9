import { cpuUs, withSession } from "../harness.js";
import type { BenchOptions } from "../../options.js";
import { forEachSystem, requireConnected, type SystemResult } from "./result.js";

export interface RoundTripFigures {
  readonly roundTrips: number;
  /** Server CPU (user + system) per round trip, microseconds. */
  readonly cpuPerOpUs: number;
  /** Round trips per second, all connections together. */
  readonly perSecond: number;
  readonly profile: string | undefined;
}

/**
 * Round trip: N connections, each sending a request and awaiting its answer,
 * repeatedly (Fawkes: push with reply on a joined channel; ws: echo; Socket.IO:
 * emit with ack). A warm-up pass runs first, unmeasured.
 */
export function roundTrip(options: BenchOptions, log: (line: string) => void): Promise<SystemResult<RoundTripFigures>[]> {
  const c = options.counts;
  log(`round trip: ${c.roundTripConnections} connections x ${c.roundTripsPerConnection} requests`);
  return forEachSystem(options.systems, (system) => withSession(system, 1, async (s) => {
    requireConnected(await s.connect(c.roundTripConnections, 50), c.roundTripConnections);
    await s.generators[0]!.request({ cmd: "roundtrip", perConnection: c.roundTripWarmup });
    await s.measureStart(options.profile ? "roundtrip" : undefined);
    const run = await s.generators[0]!.request<{ roundTrips: number; ms: number }>({ cmd: "roundtrip", perConnection: c.roundTripsPerConnection });
    const cpu = await s.measureStop();
    const figures = { roundTrips: run.roundTrips, cpuPerOpUs: cpuUs(cpu) / run.roundTrips, perSecond: run.roundTrips / (run.ms / 1000), profile: cpu.profile };
    log(`  ${system}: ${figures.cpuPerOpUs.toFixed(2)} us CPU/round trip, ${Math.round(figures.perSecond)} round trips/s`);
    return figures;
  }), log);
}
