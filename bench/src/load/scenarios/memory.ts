import { withSession } from "../harness.js";
import type { BenchOptions } from "../../options.js";
import { forEachSystem, requireConnected, type SystemResult } from "./result.js";

export interface MemoryFigures {
  readonly connections: number;
  /** V8 heap used per idle joined connection, bytes (after forced GC, baseline subtracted). */
  readonly heapPerConnection: number;
  /** Resident set size per idle joined connection, bytes. */
  readonly rssPerConnection: number;
  /** Buffers outside the heap per connection (external), bytes. */
  readonly externalPerConnection: number;
}

/**
 * Memory: N idle connections joined to one channel. The server forces GC before
 * each sample; the figure is (after - baseline) / N.
 */
export function memory(options: BenchOptions, log: (line: string) => void): Promise<SystemResult<MemoryFigures>[]> {
  const n = options.counts.memoryConnections;
  log(`memory: ${n} idle joined connections`);
  return forEachSystem(
    options.systems,
    (system) =>
      withSession(system, 1, async (s) => {
        const before = await s.memory();
        requireConnected(await s.connect(n, 100), n);
        const after = await s.memory();
        if (after.connections < n) throw new Error(`the server counts ${after.connections} connections, expected ${n}`);
        const figures = {
          connections: n,
          heapPerConnection: (after.heapUsed - before.heapUsed) / n,
          rssPerConnection: (after.rss - before.rss) / n,
          externalPerConnection: (after.external - before.external) / n,
        };
        log(`  ${system}: heap ${(figures.heapPerConnection / 1024).toFixed(2)} KB, RSS ${(figures.rssPerConnection / 1024).toFixed(2)} KB per connection`);
        return figures;
      }),
    log,
  );
}
