import { cpuUs, withSession, type LoadSession, type ServerLayout } from "../harness.js";
import { RedisProbe } from "../redis-probe.js";
import { machineBusyMs } from "../machine-cpu.js";
import { SCALE_PER_PROCESS, type BenchOptions, type SystemName } from "../../options.js";
import { BROADCAST_BODY, forEachSystem, type SystemResult } from "./result.js";

export interface ScaleFigures {
  readonly asked: number;
  /** Server processes: Fawkes nodes joined by Redis, or 1. */
  readonly nodes: number;
  /** Load-generator processes. */
  readonly generators: number;
  /** Connections joined and still open when the broadcasts ran. */
  readonly connections: number;
  readonly connectSeconds: number;
  /** The first (warm-up) broadcast to all, ms; not in the median / worst. */
  readonly firstBroadcastMs: number;
  /** One broadcast to all: time from the broadcast call to the last receipt, median and worst, ms. */
  readonly latencyMedianMs: number;
  readonly latencyMaxMs: number;
  /** Every measured broadcast's time to the last receipt, ms, in order. */
  readonly latenciesMs: readonly number[];
  /**
   * Median over the measured broadcasts of: when the broadcast reached the last
   * node (through Redis), and when every node had written its fan-out, ms after
   * the broadcast call. Undefined where the system cannot tell (ws, Socket.IO).
   */
  readonly reachedLastNodeMs: number | undefined;
  readonly writtenOutMs: number | undefined;
  /** Server CPU (all nodes) for one broadcast to all, ms, with the idle (heartbeat) CPU of the same time taken out. */
  readonly cpuPerBroadcastMs: number;
  /** Server CPU (all nodes) while idle, ms per second: heartbeats of the connections. */
  readonly idleCpuMsPerSecond: number;
  /**
   * CPU taken by processes outside the bench (other work on the machine) while
   * a broadcast was measured, ms, median and most; undefined without /proc/stat.
   * It competes for the same two cores, so it lengthens the broadcast.
   */
  readonly otherCpuMedianMs: number | undefined;
  readonly otherCpuMaxMs: number | undefined;
  /** Load generators' CPU for one broadcast (receiving and counting every message), ms. */
  readonly generatorCpuPerBroadcastMs: number;
  /** Redis server CPU for one broadcast, ms (multi-node only; includes anything else using that Redis meanwhile). */
  readonly redisCpuPerBroadcastMs: number | undefined;
  readonly heapPerConnection: number;
  readonly rssPerConnection: number;
  /** Resident memory of all server processes together with every connection open, MB. */
  readonly serverRssMb: number;
}

/** Connections each generator opens at once: with several generators this bounds the opening rate on two cores. */
const CONNECT_CONCURRENCY = 50;
/** How long one broadcast may take to reach everyone before the run fails. */
const RECEIPT_TIMEOUT_MS = 60_000;
/** Idle time over which the heartbeat CPU is measured. */
const IDLE_SAMPLE_MS = 3_000;
/** Pause between broadcasts, so each starts from a quiet machine. */
const SETTLE_MS = 500;
/** ws and Socket.IO have no cross-process adapter here: they run one process, at most this many connections. */
const SINGLE_PROCESS_CONNECTIONS = 19_800;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Scale: many connections joined to one topic, then single broadcasts, one at a
 * time, each timed from the broadcast call on one server node to the last
 * receipt in any generator (a monotonic clock shared by the processes).
 *
 * Fawkes runs as `scaleNodes` server processes (its own port each) joined by
 * `@fawkes/redis`; broadcasts are issued on each node in turn and reach the
 * others through Redis. Bare ws and Socket.IO have no such adapter here and run
 * one process (at most 19,800 connections). Nothing is pinned: with a dozen
 * processes, each broadcast's fan-out on every node and the receiving
 * generators share both cores.
 */
export async function scale(options: BenchOptions, log: (line: string) => void): Promise<SystemResult<ScaleFigures>[]> {
  const broadcasts = options.counts.scaleBroadcasts;
  const fawkesNodes = options.scaleNodes;
  log(
    `scale: Fawkes ${options.scaleConnections} joined connections on ${fawkesNodes} node(s)${fawkesNodes > 1 ? ` joined by Redis (${options.scaleRedis})` : ""}; ` +
      `ws / Socket.IO ${Math.min(options.scaleConnections, SINGLE_PROCESS_CONNECTIONS)} on one process; 1 warm-up + ${broadcasts} single broadcasts; nothing pinned`,
  );
  return forEachSystem(
    options.systems,
    async (system) => {
      const multi = system === "fawkes" && fawkesNodes > 1;
      // Options guarantee Fawkes' connections fit its nodes (at most MAX_SOCKETS_PER_PROCESS each).
      const asked = system === "fawkes" ? options.scaleConnections : Math.min(options.scaleConnections, SINGLE_PROCESS_CONNECTIONS);
      const nodes = multi ? fawkesNodes : 1;
      const generators = Math.ceil(asked / SCALE_PER_PROCESS);
      let redis: RedisProbe | undefined;
      if (multi) {
        redis = new RedisProbe(options.scaleRedis);
        try {
          await redis.ping();
        } catch (error) {
          throw new Error(
            `${error instanceof Error ? error.message : String(error)}; the multi-node scale run needs Redis (start redis-server, pass --scale-redis=URL, or --scale-nodes=1 for one process)`,
          );
        }
      }
      const layout: ServerLayout = { nodes, redisUrl: options.scaleRedis, channelPrefix: `fawkes-bench-${process.pid}-${Date.now()}`, pin: false };
      log(`  ${system}: ${asked} connections, ${nodes} server process(es), ${generators} generator(s)`);
      return withSession(system, generators, (s) => measure(s, { asked, nodes, generators, broadcasts, redis }, log), layout);
    },
    log,
  );
}

interface Plan {
  readonly asked: number;
  readonly nodes: number;
  readonly generators: number;
  readonly broadcasts: number;
  readonly redis: RedisProbe | undefined;
}

async function measure(s: LoadSession, plan: Plan, log: (line: string) => void): Promise<ScaleFigures> {
  const before = await s.memory();
  const report = await connectWithProgress(s, plan.asked, log);
  if (report.connected === 0) throw new Error(`no connection opened (${report.firstError ?? "?"})`);
  if (report.failed > 0) log(`    ${report.failed} connections failed (first: ${report.firstError ?? "?"})`);
  log(`    ${report.connected} connected in ${(report.ms / 1000).toFixed(1)} s (${Math.round(report.connected / (report.ms / 1000))}/s)`);
  const after = await s.memory();

  // Idle server CPU: the connections' heartbeats, taken out of each broadcast's CPU.
  await s.measureStart();
  await sleep(IDLE_SAMPLE_MS);
  const idle = await s.measureStop();
  const idleUsPerMs = cpuUs(idle) / idle.wallMs;

  const latencies: number[] = [];
  const reached: number[] = [];
  const written: number[] = [];
  const others: number[] = [];
  let firstBroadcastMs = 0;
  let serverCpu = 0;
  let generatorCpu = 0;
  let redisCpu: number | undefined = 0;
  let lost = 0;
  for (let b = 0; b <= plan.broadcasts; b++) {
    const node = b % plan.nodes;
    await s.arm(1);
    const g0 = await s.generatorCpuUs();
    const r0 = await plan.redis?.cpuUs();
    const m0 = machineBusyMs();
    await s.measureStart();
    const { t0 } = await s.broadcast(1, BROADCAST_BODY, "burst", node);
    const got = await s.receipts(RECEIPT_TIMEOUT_MS);
    const cpu = await s.measureStop();
    const m1 = machineBusyMs();
    const g1 = await s.generatorCpuUs();
    const r1 = await plan.redis?.cpuUs();
    lost = got.lost;
    if (got.at === undefined) {
      throw new Error(
        `broadcast ${b} (from node ${node + 1}): only ${got.received} of ${got.expected} receipts within ${RECEIPT_TIMEOUT_MS / 1000} s (${got.lost} connections lost)`,
      );
    }
    const ms = Number(got.at - t0) / 1e6;
    const times = await s.fanOutTimes();
    const known = times.every((t) => t !== undefined) ? (times as { arrived: bigint; done: bigint }[]) : undefined;
    const reachedMs = known === undefined ? undefined : Number(known.reduce((m, t) => (t.arrived > m ? t.arrived : m), t0) - t0) / 1e6;
    const writtenMs = known === undefined ? undefined : Number(known.reduce((m, t) => (t.done > m ? t.done : m), t0) - t0) / 1e6;
    const stages =
      reachedMs === undefined || writtenMs === undefined
        ? ""
        : `; last node reached at ${reachedMs.toFixed(1)} ms, all nodes written out at ${writtenMs.toFixed(0)} ms`;
    const serverMs = (cpuUs(cpu) - idleUsPerMs * cpu.wallMs) / 1000;
    // Everyone else's CPU in the same window: the machine's busy time minus the bench's processes.
    const othersMs =
      m0 === undefined || m1 === undefined
        ? undefined
        : Math.max(0, m1 - m0 - cpuUs(cpu) / 1000 - (g1 - g0) / 1000 - (r0 !== undefined && r1 !== undefined ? (r1 - r0) / 1000 : 0));
    log(
      `    broadcast ${b === 0 ? "warm-up" : b} from node ${node + 1}: ${got.received} receipts, the last at ${ms.toFixed(0)} ms${stages}; server CPU ${serverMs.toFixed(0)} ms, generators ${((g1 - g0) / 1000).toFixed(0)} ms` +
        `${r0 !== undefined && r1 !== undefined ? `, Redis ${((r1 - r0) / 1000).toFixed(1)} ms` : ""}${othersMs !== undefined ? `, other processes ~${othersMs.toFixed(0)} ms` : ""}`,
    );
    if (b === 0) {
      firstBroadcastMs = ms;
    } else {
      latencies.push(ms);
      if (reachedMs !== undefined && writtenMs !== undefined) {
        reached.push(reachedMs);
        written.push(writtenMs);
      }
      serverCpu += serverMs;
      generatorCpu += (g1 - g0) / 1000;
      if (othersMs !== undefined) others.push(othersMs);
      redisCpu = r0 === undefined || r1 === undefined || redisCpu === undefined ? undefined : redisCpu + (r1 - r0) / 1000;
    }
    await sleep(SETTLE_MS);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = (list: readonly number[]): number | undefined =>
    list.length === 0 ? undefined : [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)];
  const connections = Math.min(after.connections, report.connected) - lost;
  const figures: ScaleFigures = {
    asked: plan.asked,
    nodes: plan.nodes,
    generators: plan.generators,
    connections,
    connectSeconds: report.ms / 1000,
    firstBroadcastMs,
    latencyMedianMs: sorted[Math.floor((sorted.length - 1) / 2)]!,
    latencyMaxMs: sorted[sorted.length - 1]!,
    latenciesMs: latencies,
    reachedLastNodeMs: median(reached),
    writtenOutMs: median(written),
    otherCpuMedianMs: median(others),
    otherCpuMaxMs: others.length === 0 ? undefined : Math.max(...others),
    cpuPerBroadcastMs: serverCpu / plan.broadcasts,
    idleCpuMsPerSecond: idleUsPerMs,
    generatorCpuPerBroadcastMs: generatorCpu / plan.broadcasts,
    redisCpuPerBroadcastMs: plan.redis === undefined || redisCpu === undefined ? undefined : redisCpu / plan.broadcasts,
    heapPerConnection: (after.heapUsed - before.heapUsed) / Math.max(1, after.connections),
    rssPerConnection: (after.rss - before.rss) / Math.max(1, after.connections),
    serverRssMb: after.rss / 1024 / 1024,
  };
  log(
    `    ${connections} connections, broadcast to all in ${figures.latencyMedianMs.toFixed(0)} ms median (max ${figures.latencyMaxMs.toFixed(0)}), ` +
      `server CPU ${figures.cpuPerBroadcastMs.toFixed(0)} ms/broadcast, heap ${(figures.heapPerConnection / 1024).toFixed(1)} KB/conn`,
  );
  return figures;
}

/** `s.connect`, with a progress line every 10 s (opening 100,000 connections takes a while). */
async function connectWithProgress(s: LoadSession, count: number, log: (line: string) => void): Promise<Awaited<ReturnType<LoadSession["connect"]>>> {
  const started = Date.now();
  const timer = setInterval(() => {
    s.progress().then(
      (p) =>
        log(
          `    ... ${p.clients} connected (${p.attempted - p.clients} in flight or failed, ${p.lost} lost) after ${((Date.now() - started) / 1000).toFixed(0)} s`,
        ),
      () => undefined,
    );
  }, 10_000);
  try {
    return await s.connect(count, CONNECT_CONCURRENCY);
  } finally {
    clearInterval(timer);
  }
}

/** For the table: the system's label with its server layout. */
export function scaleLayout(system: SystemName, figures: ScaleFigures): string {
  return figures.nodes > 1 ? `${figures.nodes} nodes + Redis` : system === "fawkes" ? "1 process" : "1 process (no adapter)";
}
