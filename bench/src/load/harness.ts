import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { BenchChild } from "./child.js";
import type { ConnectReport, ReceiptReport } from "./client-main.js";
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
/** Stay clear of the 20,000 open-files limit in every process. */
export const MAX_SOCKETS_PER_PROCESS = 19_950;

/** One system under test with its load generators, for one scenario. */
export class LoadSession {
  private constructor(readonly system: SystemName, readonly server: BenchChild, readonly port: number, readonly generators: BenchChild[]) {}

  static async open(system: SystemName, generators = 1): Promise<LoadSession> {
    const { child: server, ready } = await BenchChild.start({
      script: SERVER_SCRIPT, args: [system], label: `${system} server`, cpu: SERVER_CPU, nodeFlags: ["--expose-gc"],
    });
    const clients: BenchChild[] = [];
    try {
      for (let g = 0; g < generators; g++) {
        const { child } = await BenchChild.start({ script: CLIENT_SCRIPT, args: [], label: `${system} generator ${g}`, cpu: CLIENT_CPU });
        clients.push(child);
      }
    } catch (error) {
      await Promise.all([server, ...clients].map((c) => c.stop()));
      throw error;
    }
    return new LoadSession(system, server, Number(ready.port), clients);
  }

  /**
   * Open `count` connections spread evenly over the generators, each generator
   * binding its own loopback source addresses (127.0.0.x) so the ephemeral port
   * range of one address is never the limit.
   */
  async connect(count: number, concurrency: number): Promise<{ connected: number; failed: number; firstError: string | undefined; ms: number }> {
    const g = this.generators.length;
    const reports = await Promise.all(this.generators.map((child, i) => {
      const share = Math.floor(count / g) + (i < count % g ? 1 : 0);
      const addresses = [0, 1, 2, 3].map((k) => `127.0.0.${2 + i * 4 + k}`);
      return child.request<ConnectReport>({ cmd: "connect", system: this.system, port: this.port, count: share, addresses, concurrency });
    }));
    return {
      connected: reports.reduce((s, r) => s + r.connected, 0),
      failed: reports.reduce((s, r) => s + r.failed, 0),
      firstError: reports.find((r) => r.firstError !== undefined)?.firstError,
      ms: Math.max(...reports.map((r) => r.ms)),
    };
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

  /** Start measuring server CPU (and profiling, when `profile` names the scenario). */
  async measureStart(profile?: string): Promise<void> {
    let path: string | undefined;
    if (profile !== undefined) {
      mkdirSync(PROFILE_DIR, { recursive: true });
      path = join(PROFILE_DIR, `${profile}-${this.system}.cpuprofile`);
    }
    await this.server.request({ cmd: "measure-start", profile: path });
  }

  measureStop(): Promise<Measurement> {
    return this.server.request<Measurement>({ cmd: "measure-stop" });
  }

  /**
   * `count` broadcasts of `body`: `burst` in one synchronous loop, `spaced` one per
   * server event-loop turn. `t0` is just before the first.
   */
  async broadcast(count: number, body: string, mode: BroadcastMode = "burst"): Promise<{ t0: bigint; t1: bigint }> {
    const r = await this.server.request<{ t0: string; t1: string }>({ cmd: "broadcast", count, body, mode });
    return { t0: BigInt(r.t0), t1: BigInt(r.t1) };
  }

  memory(): Promise<MemorySample> {
    return this.server.request<MemorySample>({ cmd: "memory" });
  }

  async close(): Promise<void> {
    await Promise.all(this.generators.map((c) => c.request({ cmd: "close" }).catch(() => undefined)));
    await Promise.all([this.server, ...this.generators].map((c) => c.stop()));
  }
}

/** CPU microseconds (user + system) of a measurement. */
export function cpuUs(m: Measurement): number {
  return m.userUs + m.systemUs;
}

/** Run `body` with a session, closing it whatever happens. */
export async function withSession<T>(system: SystemName, generators: number, body: (s: LoadSession) => Promise<T>): Promise<T> {
  const session = await LoadSession.open(system, generators);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}
