import { DeliveryLedger, type DeliveryAudit } from "./delivery-ledger.js";
import { SOAK_TRANSPORTS, runVisit, type SoakTransport, type VisitReport } from "./soak-client.js";

/** Shape of a soak run. */
export interface SoakPlan {
  /** How long new visits start, ms. Visits under way then finish (a few seconds more). */
  readonly spawnMs: number;
  /** Visits running at once. */
  readonly concurrency: number;
  /** Rooms the visits spread over. */
  readonly rooms: number;
  /** Broadcasts each visit pushes, inclusive range. */
  readonly messagesPerVisit: readonly [number, number];
  /** Pause before each push and before leaving, ms, inclusive range. */
  readonly gapMs: readonly [number, number];
}

/** What a soak run did. */
export interface SoakResult {
  readonly visits: number;
  readonly byTransport: Readonly<Record<SoakTransport, number>>;
  /** Visits by outcome (`ok`, or e.g. `interrupted longpoll: error timeout`). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly peakConcurrency: number;
  readonly elapsedMs: number;
  readonly audit: DeliveryAudit;
}

/** A small deterministic PRNG (mulberry32), so a run's shape repeats. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Keeps `concurrency` visits running for `spawnMs` (each on the next transport in
 * turn, in a random room), then waits for the last ones to finish, and audits
 * every delivery.
 */
export async function runSoak(baseUrl: string, plan: SoakPlan, seed = 1): Promise<SoakResult> {
  const random = prng(seed);
  const between = ([lo, hi]: readonly [number, number]): number => lo + Math.floor(random() * (hi - lo + 1));
  const ledger = new DeliveryLedger();
  const byTransport = Object.fromEntries(SOAK_TRANSPORTS.map((t) => [t, 0])) as Record<SoakTransport, number>;
  const outcomes: Record<string, number> = {};
  const running = new Set<Promise<VisitReport>>();
  const started = performance.now();
  let visits = 0;
  let peak = 0;
  let wake: (() => void) | undefined;
  while (performance.now() - started < plan.spawnMs) {
    while (running.size < plan.concurrency && performance.now() - started < plan.spawnMs) {
      const transport = SOAK_TRANSPORTS[visits % SOAK_TRANSPORTS.length]!;
      byTransport[transport]++;
      const visit = {
        id: `v${visits}`,
        transport,
        room: `room:soak-${Math.floor(random() * plan.rooms)}`,
        messages: between(plan.messagesPerVisit),
        gapMs: between(plan.gapMs),
      };
      visits++;
      const p: Promise<VisitReport> = runVisit(baseUrl, visit, ledger).then((report) => {
        const key =
          report.outcome === "ok" ? "ok" : `${report.outcome} ${visit.transport}${report.interruption === undefined ? "" : `: ${report.interruption}`}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        running.delete(p);
        wake?.();
        return report;
      });
      running.add(p);
      peak = Math.max(peak, running.size);
      // Spread the openings: a burst of hundreds of handshakes in one tick is a different test.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 50);
    });
  }
  await Promise.all(running);
  return { visits, byTransport, outcomes, peakConcurrency: peak, elapsedMs: Math.round(performance.now() - started), audit: ledger.audit() };
}
