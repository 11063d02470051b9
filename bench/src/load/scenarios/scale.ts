import { MAX_SOCKETS_PER_PROCESS, cpuUs, withSession } from "../harness.js";
import type { BenchOptions } from "../../options.js";
import { BROADCAST_BODY, forEachSystem, type SystemResult } from "./result.js";

export interface ScaleFigures {
  readonly asked: number;
  /** Connections joined and still open when the broadcasts ran. */
  readonly connections: number;
  readonly connectSeconds: number;
  /** One broadcast to all: time to the last receipt, median and worst, ms. */
  readonly latencyMedianMs: number;
  readonly latencyMaxMs: number;
  /** Server CPU for one broadcast to all, ms. */
  readonly cpuPerBroadcastMs: number;
  readonly heapPerConnection: number;
  readonly rssPerConnection: number;
}

/** Generators sharing the load, each holding at most half the per-process socket budget. */
const PER_GENERATOR = 9_900;

/**
 * Scale: as many joined connections as one server process holds (it is bound by
 * the 20,000 open-files limit), opened by several generator processes from
 * several loopback source addresses; then single broadcasts timed to the last
 * receipt, one at a time.
 */
export function scale(options: BenchOptions, log: (line: string) => void): Promise<SystemResult<ScaleFigures>[]> {
  const asked = Math.min(options.scaleConnections, MAX_SOCKETS_PER_PROCESS);
  const generators = Math.ceil(asked / PER_GENERATOR);
  const broadcasts = options.counts.scaleBroadcasts;
  log(`scale: ${asked} joined connections from ${generators} generator processes, ${broadcasts} single broadcasts`);
  return forEachSystem(options.systems, (system) => withSession(system, generators, async (s) => {
    const before = await s.memory();
    const report = await s.connect(asked, 200);
    if (report.connected === 0) throw new Error(`no connection opened (${report.firstError ?? "?"})`);
    if (report.failed > 0) log(`  ${system}: ${report.failed} connections failed (first: ${report.firstError ?? "?"})`);
    const after = await s.memory();
    const latencies: number[] = [];
    let cpuTotal = 0;
    let lost = 0;
    for (let b = 0; b < broadcasts; b++) {
      await s.arm(1);
      await s.measureStart();
      const { t0 } = await s.broadcast(1, BROADCAST_BODY);
      const got = await s.receipts(60_000);
      cpuTotal += cpuUs(await s.measureStop());
      lost = got.lost;
      if (got.at === undefined) throw new Error(`broadcast ${b}: only ${got.received} of ${got.expected} receipts (${got.lost} connections lost)`);
      latencies.push(Number(got.at - t0) / 1e6);
    }
    latencies.sort((a, b) => a - b);
    const connections = after.connections - lost;
    const figures = {
      asked,
      connections,
      connectSeconds: report.ms / 1000,
      latencyMedianMs: latencies[Math.floor(latencies.length / 2)]!,
      latencyMaxMs: latencies[latencies.length - 1]!,
      cpuPerBroadcastMs: cpuTotal / broadcasts / 1000,
      heapPerConnection: (after.heapUsed - before.heapUsed) / Math.max(1, after.connections),
      rssPerConnection: (after.rss - before.rss) / Math.max(1, after.connections),
    };
    log(`  ${system}: ${connections} connections, broadcast to all in ${figures.latencyMedianMs.toFixed(1)} ms (max ${figures.latencyMaxMs.toFixed(1)}), ${figures.cpuPerBroadcastMs.toFixed(1)} ms CPU`);
    return figures;
  }), log);
}
