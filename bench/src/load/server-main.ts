/**
 * The server under test, one system per process: `node server-main.js <system>`.
 * Started by the orchestrator (pinned to CPU 0 where taskset exists); it measures
 * its own CPU time and memory so every figure is server cost per operation.
 *
 * `node server-main.js fawkes --node=NAME --redis=URL --prefix=P` runs one node of
 * a multi-node Fawkes server joined by `@fawkes/redis` (scale scenario). A server
 * that cannot start (e.g. Redis not there) reports why to the orchestrator and exits 1.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { announceFailure, announceReady, now, serveCommands } from "./child.js";
import type { BenchServer, BroadcastPayload } from "./servers/bench-server.js";
import { startWsServer } from "./servers/ws-server.js";
import { startSocketIoServer } from "./servers/socketio-server.js";
import { startFawkesServer, type FawkesNodeOptions } from "./servers/fawkes-server.js";

/** What `measure-stop` answers: CPU used by this process since `measure-start`. */
export interface Measurement {
  readonly userUs: number;
  readonly systemUs: number;
  readonly wallMs: number;
  readonly profile: string | undefined;
}

/** What `memory` answers, after forced garbage collection. */
export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly connections: number;
}

/** `--node=`, `--redis=`, `--prefix=` after the system name: one node of a Redis-joined Fawkes server. */
function clusterOptions(args: readonly string[]): FawkesNodeOptions | undefined {
  const flags = new Map(args.map((a) => a.split("=", 2) as [string, string | undefined]));
  const node = flags.get("--node");
  const redisUrl = flags.get("--redis");
  if (node === undefined && redisUrl === undefined) return undefined;
  if (node === undefined || redisUrl === undefined) throw new Error("a cluster node needs both --node=NAME and --redis=URL");
  return { node, redisUrl, channelPrefix: flags.get("--prefix") ?? "fawkes-bench" };
}

const system = process.argv[2];
const starters: Record<string, () => Promise<BenchServer>> = {
  ws: startWsServer,
  socketio: startSocketIoServer,
  fawkes: () => startFawkesServer(clusterOptions(process.argv.slice(3))),
};
const start = system === undefined ? undefined : starters[system];
if (start === undefined) throw new Error(`usage: server-main.js <${Object.keys(starters).join("|")}> [--node=NAME --redis=URL --prefix=P]`);

let server: BenchServer;
try {
  server = await start();
} catch (error) {
  announceFailure(error);
  // announceFailure exits once its message is out; keep the process from going on meanwhile.
  await new Promise(() => undefined);
  throw error;
}
let cpuAtStart: NodeJS.CpuUsage | undefined;
let wallAtStart = 0n;
let profiler: { session: Session; path: string } | undefined;

async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("the server must run with --expose-gc");
  // Several passes, with turns in between, so finalizers and weak maps settle.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

serveCommands(async (command) => {
  switch (command.cmd) {
    case "measure-start": {
      if (typeof command.profile === "string") {
        const session = new Session();
        session.connect();
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: 100 });
        await session.post("Profiler.start");
        profiler = { session, path: command.profile };
      }
      cpuAtStart = process.cpuUsage();
      wallAtStart = now();
      return null;
    }
    case "measure-stop": {
      const cpu = process.cpuUsage(cpuAtStart);
      const wallMs = Number(now() - wallAtStart) / 1e6;
      let path: string | undefined;
      if (profiler !== undefined) {
        const { profile } = await profiler.session.post("Profiler.stop");
        profiler.session.disconnect();
        await writeFile(profiler.path, JSON.stringify(profile));
        path = profiler.path;
        profiler = undefined;
      }
      const result: Measurement = { userUs: cpu.user, systemUs: cpu.system, wallMs, profile: path };
      return result;
    }
    case "broadcast": {
      // burst: every broadcast in one synchronous loop, as a batch from a PubSub
      // adapter or a loop in user code; a transport may coalesce a socket's frames.
      // spaced: one broadcast per event-loop turn, each written out before the next.
      const count = Number(command.count);
      const body = String(command.body);
      const spaced = command.mode === "spaced";
      const t0 = now();
      for (let seq = 0; seq < count; seq++) {
        const payload: BroadcastPayload = { seq, body };
        server.broadcast(payload);
        if (spaced && seq < count - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      return { t0: t0.toString(), t1: now().toString() };
    }
    case "memory": {
      await collectGarbage();
      const m = process.memoryUsage();
      const sample: MemorySample = {
        heapUsed: m.heapUsed,
        rss: m.rss,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        connections: server.connectionCount(),
      };
      return sample;
    }
    case "stats":
      return { connections: server.connectionCount() };
    case "fan-out-times": {
      // When the last broadcast reached this process and when its fan-out here was written out.
      const f = server.lastFanOut?.();
      return f === undefined || f.done === 0n ? null : { arrived: f.arrived.toString(), done: f.done.toString() };
    }
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
});

announceReady({ port: server.port, pid: process.pid });
