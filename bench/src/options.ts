import { availableParallelism } from "node:os";

/** The systems every load scenario compares. Bare `ws` is the baseline. */
export const SYSTEMS = ["ws", "socketio", "fawkes"] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const SYSTEM_LABEL: Record<SystemName, string> = { ws: "bare ws", socketio: "Socket.IO 4", fawkes: "Fawkes" };

export type ScenarioName = "micro" | "roundtrip" | "fanout" | "memory" | "scale";
const DEFAULT_SCENARIOS: readonly ScenarioName[] = ["micro", "roundtrip", "fanout", "memory"];

/** Everything a run can be told, from the command line or the environment. */
export interface BenchOptions {
  /** Small counts for a smoke run (`--quick` or `BENCH_QUICK=1`). */
  readonly quick: boolean;
  /** Scenarios to run, in order. `scale` only when asked for (`--scale`, `BENCH_SCALE=1`). */
  readonly scenarios: readonly ScenarioName[];
  /** Systems to run in load scenarios (`--systems=ws,fawkes`). */
  readonly systems: readonly SystemName[];
  /** Profile the server's measured phase (`--profile`, `BENCH_PROFILE=1`); figures from such a run carry profiler overhead. */
  readonly profile: boolean;
  /** Connections for the scale scenario (`--scale-connections=N`; default 100,000, quick 20,000). */
  readonly scaleConnections: number;
  /** Fawkes server nodes in the scale scenario (`--scale-nodes=N`; default `ceil(connections / 18,000)`). */
  readonly scaleNodes: number;
  /** The Redis joining the Fawkes nodes (`--scale-redis=URL`; default `redis://127.0.0.1:6379`). */
  readonly scaleRedis: string;
  /** Write results to bench/results (default true; `--no-write`). */
  readonly write: boolean;
  readonly counts: Counts;
}

/** The sizes of every scenario. */
export interface Counts {
  readonly microMaxTime: number;
  readonly roundTripConnections: number;
  readonly roundTripsPerConnection: number;
  readonly roundTripWarmup: number;
  readonly fanOutConnections: number;
  readonly fanOutBroadcasts: number;
  readonly fanOutWarmup: number;
  readonly memoryConnections: number;
  readonly scaleBroadcasts: number;
}

const FULL: Counts = {
  microMaxTime: 1,
  roundTripConnections: 50,
  roundTripsPerConnection: 2000,
  roundTripWarmup: 400,
  fanOutConnections: 2_000,
  fanOutBroadcasts: 20,
  fanOutWarmup: 5,
  memoryConnections: 10_000,
  scaleBroadcasts: 5,
};

/** Connections one server node or generator process is given at most by default (the hard limit is 20,000 open files). */
export const SCALE_PER_PROCESS = 18_000;
/** Most sockets a process may be given (20,000 open files, less room for stdio, IPC, Redis). */
export const MAX_SOCKETS_PER_PROCESS = 19_900;
const SCALE_DEFAULT = 100_000;
const SCALE_DEFAULT_QUICK = 20_000;

const QUICK: Counts = {
  microMaxTime: 0.1,
  roundTripConnections: 50,
  roundTripsPerConnection: 40,
  roundTripWarmup: 10,
  fanOutConnections: 200,
  fanOutBroadcasts: 20,
  fanOutWarmup: 2,
  memoryConnections: 1_000,
  scaleBroadcasts: 2,
};

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/**
 * Reads `argv` (after the script) and `env`. Unknown flags throw, so a typo does
 * not silently run the wrong benchmark.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  let quick = truthy(env.BENCH_QUICK);
  let scale = truthy(env.BENCH_SCALE);
  let profile = truthy(env.BENCH_PROFILE);
  let write = true;
  let only: ScenarioName[] | undefined = env.BENCH_ONLY ? (env.BENCH_ONLY.split(",") as ScenarioName[]) : undefined;
  let systems: SystemName[] = env.BENCH_SYSTEMS ? (env.BENCH_SYSTEMS.split(",") as SystemName[]) : [...SYSTEMS];
  let scaleConnections = env.BENCH_SCALE_CONNECTIONS ? Number(env.BENCH_SCALE_CONNECTIONS) : undefined;
  let scaleNodes = env.BENCH_SCALE_NODES ? Number(env.BENCH_SCALE_NODES) : undefined;
  let scaleRedis = env.BENCH_SCALE_REDIS || "redis://127.0.0.1:6379";
  for (const arg of argv) {
    const [flag, value] = arg.split("=", 2) as [string, string | undefined];
    switch (flag) {
      case "--quick":
        quick = true;
        break;
      case "--scale":
        scale = true;
        break;
      case "--profile":
        profile = true;
        break;
      case "--no-write":
        write = false;
        break;
      case "--only":
        only = (value ?? "").split(",") as ScenarioName[];
        break;
      case "--systems":
        systems = (value ?? "").split(",") as SystemName[];
        break;
      case "--scale-connections":
        scaleConnections = Number(value);
        break;
      case "--scale-nodes":
        scaleNodes = Number(value);
        break;
      case "--scale-redis":
        scaleRedis = value ?? "";
        break;
      default:
        throw new Error(`unknown option ${arg}; see bench/README.md`);
    }
  }
  for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`unknown system ${s}; one of ${SYSTEMS.join(", ")}`);
  const all: ScenarioName[] = ["micro", "roundtrip", "fanout", "memory", "scale"];
  for (const s of only ?? []) if (!all.includes(s)) throw new Error(`unknown scenario ${s}; one of ${all.join(", ")}`);
  scaleConnections ??= quick ? SCALE_DEFAULT_QUICK : SCALE_DEFAULT;
  if (!Number.isInteger(scaleConnections) || scaleConnections < 1) throw new Error("--scale-connections must be a positive integer");
  scaleNodes ??= Math.ceil(scaleConnections / SCALE_PER_PROCESS);
  if (!Number.isInteger(scaleNodes) || scaleNodes < 1 || scaleNodes > 64) throw new Error("--scale-nodes must be an integer from 1 to 64");
  if (Math.ceil(scaleConnections / scaleNodes) > MAX_SOCKETS_PER_PROCESS) {
    throw new Error(
      `--scale-connections=${scaleConnections} over ${scaleNodes} node(s) is more than ${MAX_SOCKETS_PER_PROCESS} sockets per process (open-files limit 20,000); use --scale-nodes=${Math.ceil(scaleConnections / SCALE_PER_PROCESS)} or more`,
    );
  }
  if (!/^rediss?:\/\//.test(scaleRedis)) throw new Error("--scale-redis must be a redis:// URL");
  let scenarios = only ?? [...DEFAULT_SCENARIOS, ...(scale ? (["scale"] as const) : [])];
  if (only !== undefined && scale && !scenarios.includes("scale")) scenarios = [...scenarios, "scale"];
  return {
    quick,
    scenarios,
    systems: SYSTEMS.filter((s) => systems.includes(s)),
    profile,
    scaleConnections,
    scaleNodes,
    scaleRedis,
    write,
    counts: quick ? QUICK : FULL,
  };
}

/** True when the machine has a second core for the load generator. */
export function canPin(): boolean {
  return availableParallelism() >= 2;
}
