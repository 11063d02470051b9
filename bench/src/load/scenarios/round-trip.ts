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

/** Measured passes per system; the figures are their medians. */
const PASSES = 5;

/**
 * Round trip: N connections, each sending a request and awaiting its answer,
 * repeatedly (Fawkes: push with reply on a joined channel; ws: echo; Socket.IO:
 * emit with ack). A warm-up pass runs first, unmeasured; then five measured
 * passes, reported as medians.
 */
export function roundTrip(options: BenchOptions, log: (line: string) => void): Promise<SystemResult<RoundTripFigures>[]> {
  const c = options.counts;
  log(`round trip: ${c.roundTripConnections} connections x ${c.roundTripsPerConnection} requests`);
  return forEachSystem(
    options.systems,
    (system) =>
      withSession(system, 1, async (s) => {
        requireConnected(await s.connect(c.roundTripConnections, 50), c.roundTripConnections);
        await s.generators[0]!.request({ cmd: "roundtrip", perConnection: c.roundTripWarmup });
        // Several measured passes; the median resists a noisy neighbour on a shared machine.
        const passes: { cpuPerOpUs: number; perSecond: number; roundTrips: number; profile: string | undefined }[] = [];
        for (let pass = 0; pass < PASSES; pass++) {
          await s.measureStart(options.profile && pass === 0 ? "roundtrip" : undefined);
          const run = await s.generators[0]!.request<{ roundTrips: number; ms: number }>({
            cmd: "roundtrip",
            perConnection: Math.ceil(c.roundTripsPerConnection / PASSES),
          });
          const cpu = await s.measureStop();
          passes.push({
            roundTrips: run.roundTrips,
            cpuPerOpUs: cpuUs(cpu) / run.roundTrips,
            perSecond: run.roundTrips / (run.ms / 1000),
            profile: cpu.profile,
          });
        }
        const byCpu = [...passes].sort((a, b) => a.cpuPerOpUs - b.cpuPerOpUs);
        const median = byCpu[Math.floor(byCpu.length / 2)]!;
        const figures = {
          roundTrips: passes.reduce((n, p) => n + p.roundTrips, 0),
          cpuPerOpUs: median.cpuPerOpUs,
          perSecond: [...passes].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(passes.length / 2)]!.perSecond,
          profile: passes[0]!.profile,
        };
        log(`  ${system}: ${figures.cpuPerOpUs.toFixed(2)} us CPU/round trip, ${Math.round(figures.perSecond)} round trips/s`);
        return figures;
      }),
    log,
  );
}
