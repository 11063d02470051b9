// The soak: for about a minute (FAWKES_SOAK_MS), a few hundred visits at a time
// (FAWKES_SOAK_CONCURRENCY), thousands in all, connect with the official client over
// WebSocket, LongPoll and SockJS (websocket, xhr-streaming, xhr-polling), join a room,
// chat and leave. Every delivery owed to a live subscriber must arrive (none lost), and
// once every client is gone the server child's open fds and heap are back near their
// baseline. The figures are printed for docs/RELIABILITY.md.
import test from "ava";
import { runSoak, startFixtureProcess, type FixtureProcess, type MemoryReport } from "@fawkes/robustness";

const SOAK_MS = positiveEnv("FAWKES_SOAK_MS", 60_000);
const CONCURRENCY = positiveEnv("FAWKES_SOAK_CONCURRENCY", 250);
/** Open fds allowed above the baseline once the run settled (a keep-alive socket or two). */
const FD_TOLERANCE = 5;
/**
 * Heap allowed above the baseline after a full GC. A leak of 2 KiB per visit (one
 * retained connection object with its maps) over 2,500 visits is 5 MiB, so this
 * catches a per-connection leak while leaving room for JIT and allocator noise.
 */
const HEAP_TOLERANCE = 4 * 1024 * 1024;
/** How long the server may take to settle after the last client left (LongPoll sessions end 1.5 windows = 3 s after their last poll; keep-alive sockets close after 5 s). */
const SETTLE_MS = 25_000;

function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Polls (1 s apart) until `ok(figures)` or `maxMs` passed; returns the last figures. */
async function settle(
  server: FixtureProcess,
  ok: (f: { fds: number; memory: MemoryReport }) => boolean,
  maxMs: number,
): Promise<{ fds: number; memory: MemoryReport; waitedMs: number }> {
  const started = performance.now();
  for (;;) {
    const figures = { fds: server.fdCount(), memory: await server.memory() };
    const waitedMs = Math.round(performance.now() - started);
    if (ok(figures) || waitedMs >= maxMs) return { ...figures, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

test("soak: thousands of visits over every transport lose no owed delivery, and fds and heap return to baseline", async (t) => {
  t.timeout(SOAK_MS + 120_000);
  const server = await startFixtureProcess({ measured: true });
  t.teardown(() => server.stop());
  const base = server.url;
  const startFds = server.fdCount();

  const rooms = Math.max(5, Math.round(CONCURRENCY / 6));
  // Warm-up over the same rooms and transports, so lazily built state (modules, JIT
  // code, pools, topic tables) is in the baseline.
  const warm = await runSoak(base, { spawnMs: 4000, concurrency: 50, rooms, messagesPerVisit: [1, 2], gapMs: [100, 300] }, 7);
  t.is(warm.audit.lost, 0, "the warm-up lost deliveries");
  const before = await settle(server, (f) => f.fds <= startFds + 1, SETTLE_MS);

  let peakFds = 0;
  const sampler = setInterval(() => {
    peakFds = Math.max(peakFds, server.fdCount());
  }, 250);
  const spawnMs = Math.max(3000, SOAK_MS - 8000);
  const result = await runSoak(base, { spawnMs, concurrency: CONCURRENCY, rooms, messagesPerVisit: [2, 6], gapMs: [400, 1200] });
  clearInterval(sampler);
  // Settle towards the baseline itself; the assertions below allow the tolerances.
  const after = await settle(server, (f) => f.fds <= before.fds + 1 && f.memory.heapUsed <= before.memory.heapUsed + HEAP_TOLERANCE / 2, SETTLE_MS);

  const a = result.audit;
  const lines = [
    `soak: ${result.visits} connections (${Object.entries(result.byTransport)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}), at most ${result.peakConcurrency} at once, ${(result.elapsedMs / 1000).toFixed(1)} s`,
    `soak: ${a.messages} broadcasts pushed, ${a.owed} deliveries owed to live subscribers, ${a.delivered} delivered, ${a.lost} lost, ${a.unacked} unacknowledged pushes, ${a.duplicates} duplicates`,
    `soak: push-to-delivery latency p50 ${a.latencyMs.p50.toFixed(0)} ms, p99 ${a.latencyMs.p99.toFixed(0)} ms, max ${a.latencyMs.max.toFixed(0)} ms`,
    `soak: visit outcomes ${JSON.stringify(result.outcomes)}`,
    `soak: server fds ${before.fds} before, ${peakFds} at the peak, ${after.fds} after (settled in ${after.waitedMs} ms; tolerance +${FD_TOLERANCE})`,
    `soak: server heap after GC ${mib(before.memory.heapUsed)} before, ${mib(after.memory.heapUsed)} after (tolerance +${mib(HEAP_TOLERANCE)}); rss ${mib(before.memory.rss)} -> ${mib(after.memory.rss)}`,
  ];
  for (const line of lines) t.log(line);
  process.stdout.write(`${lines.join("\n")}\n`);

  t.is(server.exit, undefined, `the server exited: ${server.stderr().slice(-3000)}`);
  t.deepEqual(result.outcomes, { ok: result.visits }, "every visit joins, pushes, leaves without a failed reply or an interrupted connection");
  t.is(a.lost, 0, `lost deliveries, e.g. ${a.lostExamples.join("; ")}`);
  t.is(a.unacked, 0);
  t.is(a.duplicates, 0);
  t.is(a.strays, 0);
  t.true(a.owed > a.messages, "deliveries were owed to more than their senders");
  t.true(after.fds <= before.fds + FD_TOLERANCE, `fds ${before.fds} -> ${after.fds}`);
  t.true(after.memory.heapUsed <= before.memory.heapUsed + HEAP_TOLERANCE, `heap ${mib(before.memory.heapUsed)} -> ${mib(after.memory.heapUsed)}`);
});
