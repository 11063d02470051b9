import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { BenchChild } from "./child.js";
import type { ConnectCommand, ConnectReport, ReceiptReport } from "./client-main.js";
import type { Measurement, MemorySample } from "./server-main.js";
import type { SystemName } from "../options.js";

const SERVER_SCRIPT = fileURLToPath(new URL("./server-main.js", import.meta.url));
const CLIENT_SCRIPT = fileURLToPath(new URL("./client-main.js", import.meta.url));
/** Where `--profile` writes `.cpuprofile` files. */
export const PROFILE_DIR = fileURLToPath(new URL("../../results/profiles/", import.meta.url));

/** How a run of broadcasts is fired in the server. */
export type BroadcastMode = "burst" | "spaced";

/** The server on CPU 0, load generators on CPU 1 (where taskset exists). */
const SERVER_CPU = 0;
const CLIENT_CPU = 1;

/** How a session's server runs: one process (pinned), or several Fawkes nodes joined by Redis (unpinned). */
export interface ServerLayout {
  /** Server processes; more than one only for Fawkes, and then `redisUrl` is required. */
  readonly nodes: number;
  readonly redisUrl?: string;
  /** Redis channel prefix for this session's nodes. */
  readonly channelPrefix?: string;
  /** Pin the server to CPU 0 and generators to CPU 1 (where taskset exists). */
  readonly pin: boolean;
}

const SINGLE: ServerLayout = { nodes: 1, pin: true };

/** A session's connect outcome. */
export interface ConnectOutcome {
  connected: number;
  failed: number;
  firstError: string | undefined;
  ms: number;
}

/**
 * One system under test (one server process, or several Fawkes nodes joined by
 * Redis) with its load generators, for one scenario.
 */
export class LoadSession {
  private constructor(
    readonly system: SystemName,
    readonly servers: BenchChild[],
    readonly ports: number[],
    readonly generators: BenchChild[],
  ) {}

  /** The first (or only) server process. */
  get server(): BenchChild {
    return this.servers[0]!;
  }

  /** The first (or only) server's port. */
  get port(): number {
    return this.ports[0]!;
  }

  /**
   * Start the server process(es) and `generators` load generators. With several
   * nodes they start side by side, each on its own port, and nothing is pinned.
   * If any process fails to start, every one started is stopped and the error
   * (a node's own reason, e.g. Redis unavailable) is thrown.
   */
  static async open(system: SystemName, generators = 1, layout: ServerLayout = SINGLE): Promise<LoadSession> {
    if (layout.nodes > 1 && (system !== "fawkes" || layout.redisUrl === undefined)) throw new Error("several server nodes need Fawkes and a Redis URL");
    const started: BenchChild[] = [];
    const track = async (
      p: Promise<{ child: BenchChild; ready: { readonly [key: string]: unknown } }>,
    ): Promise<{ child: BenchChild; ready: { readonly [key: string]: unknown } }> => {
      const r = await p;
      started.push(r.child);
      return r;
    };
    try {
      const servers = await settleAll(
        Array.from({ length: layout.nodes }, (_, i) => {
          const args =
            layout.nodes > 1
              ? [system, `--node=bench-${i + 1}`, `--redis=${layout.redisUrl!}`, `--prefix=${layout.channelPrefix ?? "fawkes-bench"}`]
              : [system];
          const label = layout.nodes > 1 ? `${system} node ${i + 1}` : `${system} server`;
          return track(BenchChild.start({ script: SERVER_SCRIPT, args, label, cpu: layout.pin ? SERVER_CPU : undefined, nodeFlags: ["--expose-gc"] }));
        }),
      );
      const clients = await settleAll(
        Array.from({ length: generators }, (_, g) =>
          track(BenchChild.start({ script: CLIENT_SCRIPT, args: [], label: `${system} generator ${g}`, cpu: layout.pin ? CLIENT_CPU : undefined })),
        ),
      );
      return new LoadSession(
        system,
        servers.map((s) => s.child),
        servers.map((s) => Number(s.ready.port)),
        clients.map((c) => c.child),
      );
    } catch (error) {
      await Promise.all(started.map((c) => c.stop()));
      throw error;
    }
  }

  /**
   * Open `count` connections spread evenly over the generators and, within each
   * generator, over the server nodes in turn. Each generator binds its own
   * loopback source addresses (127.0.0.x, four per generator) so the ephemeral
   * port range of one address is never the limit. `concurrency` is per generator.
   */
  async connect(count: number, concurrency: number): Promise<ConnectOutcome> {
    const g = this.generators.length;
    let offset = 0;
    const commands = this.generators.map((_, i) => {
      const share = Math.floor(count / g) + (i < count % g ? 1 : 0);
      const addresses = [0, 1, 2, 3].map((k) => `127.0.0.${2 + i * 4 + k}`);
      const command: ConnectCommand = { system: this.system, ports: this.ports, offset, count: share, addresses, concurrency };
      offset += share;
      return command;
    });
    const reports = await Promise.all(this.generators.map((child, i) => child.request<ConnectReport>({ cmd: "connect", ...commands[i]! })));
    return {
      connected: reports.reduce((s, r) => s + r.connected, 0),
      failed: reports.reduce((s, r) => s + r.failed, 0),
      firstError: reports.find((r) => r.firstError !== undefined)?.firstError,
      ms: Math.max(...reports.map((r) => r.ms)),
    };
  }

  /** Connections opened (or given up) so far, over all generators: for progress lines while `connect` runs. */
  async progress(): Promise<{ attempted: number; clients: number; lost: number }> {
    const stats = await Promise.all(this.generators.map((c) => c.request<{ clients: number; attempted: number; lost: number }>({ cmd: "stats" }, 10_000)));
    return {
      attempted: stats.reduce((s, r) => s + r.attempted, 0),
      clients: stats.reduce((s, r) => s + r.clients, 0),
      lost: stats.reduce((s, r) => s + r.lost, 0),
    };
  }

  /** CPU used so far by all generators together, microseconds. */
  async generatorCpuUs(): Promise<number> {
    const all = await Promise.all(this.generators.map((c) => c.request<number>({ cmd: "cpu" }, 10_000)));
    return all.reduce((s, v) => s + v, 0);
  }

  /** Arm every generator to expect `perClient` broadcasts on each of its connections. */
  async arm(perClient: number): Promise<void> {
    await Promise.all(this.generators.map((c) => c.request({ cmd: "arm", perClient })));
  }

  /** Wait until every armed receipt arrived (or the timeout); `at` is the latest arrival. */
  async receipts(timeoutMs: number): Promise<{ received: number; expected: number; at: bigint | undefined; lost: number }> {
    const reports = await Promise.all(this.generators.map((c) => c.request<ReceiptReport>({ cmd: "wait", timeoutMs }, timeoutMs + 10_000)));
    const complete = reports.every((r) => r.at !== undefined || r.expected === 0);
    return {
      received: reports.reduce((s, r) => s + r.received, 0),
      expected: reports.reduce((s, r) => s + r.expected, 0),
      at: complete ? reports.reduce((max, r) => (r.at !== undefined && BigInt(r.at) > max ? BigInt(r.at) : max), 0n) : undefined,
      lost: reports.reduce((s, r) => s + r.lost, 0),
    };
  }

  /**
   * Start measuring server CPU on every node (and profiling the first, when
   * `profile` names the scenario).
   */
  async measureStart(profile?: string): Promise<void> {
    let path: string | undefined;
    if (profile !== undefined) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      path = join(PROFILE_DIR, `${profile}-${this.system}.cpuprofile`);
    }
    await Promise.all(this.servers.map((s, i) => s.request({ cmd: "measure-start", profile: i === 0 ? path : undefined }, 60_000)));
  }

  /** CPU of every node since `measureStart`, summed; wall time is the longest. */
  async measureStop(): Promise<Measurement> {
    const all = await Promise.all(this.servers.map((s) => s.request<Measurement>({ cmd: "measure-stop" }, 60_000)));
    return {
      userUs: all.reduce((s, m) => s + m.userUs, 0),
      systemUs: all.reduce((s, m) => s + m.systemUs, 0),
      wallMs: Math.max(...all.map((m) => m.wallMs)),
      profile: all[0]!.profile,
    };
  }

  /**
   * `count` broadcasts of `body` issued on node `node` (default the first):
   * `burst` in one synchronous loop, `spaced` one per server event-loop turn.
   * `t0` is just before the first. On a multi-node server they reach the other
   * nodes through Redis.
   */
  async broadcast(count: number, body: string, mode: BroadcastMode = "burst", node = 0): Promise<{ t0: bigint; t1: bigint }> {
    const r = await this.servers[node]!.request<{ t0: string; t1: string }>({ cmd: "broadcast", count, body, mode }, 120_000);
    return { t0: BigInt(r.t0), t1: BigInt(r.t1) };
  }

  /** Per node, when the last broadcast reached it and when its fan-out there was written out (`now()` ns); undefined where the system cannot tell. */
  async fanOutTimes(): Promise<({ arrived: bigint; done: bigint } | undefined)[]> {
    const all = await Promise.all(this.servers.map((s) => s.request<{ arrived: string; done: string } | null>({ cmd: "fan-out-times" }, 10_000)));
    return all.map((t) => (t === null ? undefined : { arrived: BigInt(t.arrived), done: BigInt(t.done) }));
  }

  /** Memory after forced GC, summed over the nodes. */
  async memory(): Promise<MemorySample> {
    const all = await Promise.all(this.servers.map((s) => s.request<MemorySample>({ cmd: "memory" }, 120_000)));
    const sum = (f: (m: MemorySample) => number): number => all.reduce((s, m) => s + f(m), 0);
    return {
      heapUsed: sum((m) => m.heapUsed),
      rss: sum((m) => m.rss),
      external: sum((m) => m.external),
      arrayBuffers: sum((m) => m.arrayBuffers),
      connections: sum((m) => m.connections),
    };
  }

  /** Close the generators' connections, then stop every process (killing any that does not exit within 5 s). */
  async close(): Promise<void> {
    await Promise.all(this.generators.map((c) => c.request({ cmd: "close" }, 30_000).catch(() => undefined)));
    await Promise.all([...this.servers, ...this.generators].map((c) => c.stop()));
  }
}

/** CPU microseconds (user + system) of a measurement. */
export function cpuUs(m: Measurement): number {
  return m.userUs + m.systemUs;
}

/** Run `body` with a session, closing it whatever happens. */
export async function withSession<T>(system: SystemName, generators: number, body: (s: LoadSession) => Promise<T>, layout: ServerLayout = SINGLE): Promise<T> {
  const session = await LoadSession.open(system, generators, layout);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** Like `Promise.all`, but waits for every promise to settle before throwing the first failure (so nothing is left starting). */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
