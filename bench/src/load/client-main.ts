/**
 * A load generator process: opens connections of one system, drives round trips
 * and counts broadcast receipts, as the orchestrator commands. Several may run at
 * once (scale); each stays under the 20,000 open-files limit.
 */
import { announceReady, now, serveCommands } from "./child.js";
import type { BenchClient, ClientOptions } from "./clients/bench-client.js";
import { connectWs } from "./clients/ws-client.js";
import { connectSocketIo } from "./clients/socketio-client.js";
import { connectFawkes } from "./clients/fawkes-client.js";

const connectors: Record<string, (options: ClientOptions) => Promise<BenchClient>> = { ws: connectWs, socketio: connectSocketIo, fawkes: connectFawkes };

/** What `connect` answers. */
export interface ConnectReport {
  readonly connected: number;
  readonly failed: number;
  readonly firstError: string | undefined;
  readonly ms: number;
}
/** What `wait` answers: receipts since `arm`, and when the last expected one arrived. */
export interface ReceiptReport {
  readonly received: number;
  readonly expected: number;
  readonly at: string | undefined;
  readonly lost: number;
}

const clients: BenchClient[] = [];
let lost = 0;
let received = 0;
let expected = Infinity;
let doneAt: bigint | undefined;
let onDone: (() => void) | undefined;

function onBroadcast(): void {
  if (++received === expected) {
    doneAt = now();
    onDone?.();
  }
}

/** What `connect` is told: connection `i` of this generator goes to `ports[(offset + i) % ports.length]`. */
export interface ConnectCommand {
  readonly system: string;
  /** The server's port, or every node's port of a multi-node server. */
  readonly ports: readonly number[];
  /** This generator's first connection's index among all generators', so nodes get even shares. */
  readonly offset: number;
  readonly count: number;
  /** Source addresses (127.0.0.x), used in turn. */
  readonly addresses: readonly string[];
  /** Connections being opened at once (each: TCP, upgrade, join), which bounds the opening rate. */
  readonly concurrency: number;
}

let attempted = 0;

async function connectAll(command: ConnectCommand): Promise<ConnectReport> {
  const connect = connectors[command.system];
  if (connect === undefined) throw new Error(`unknown system ${command.system}`);
  const started = now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < command.count) {
      const i = next++;
      const localAddress = command.addresses[i % command.addresses.length]!;
      const port = command.ports[(command.offset + i) % command.ports.length]!;
      attempted++;
      try {
        clients.push(
          await connect({
            port,
            localAddress,
            onBroadcast,
            onLost: () => {
              lost++;
            },
          }),
        );
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, command.count) }, worker));
  return { connected: clients.length, failed, firstError, ms: Number(now() - started) / 1e6 };
}

async function roundTrips(perConnection: number): Promise<{ roundTrips: number; ms: number }> {
  const started = now();
  let n = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < perConnection; i++) await client.request(n++);
    }),
  );
  return { roundTrips: clients.length * perConnection, ms: Number(now() - started) / 1e6 };
}

function waitReceipts(timeoutMs: number): Promise<ReceiptReport> {
  const report = (): ReceiptReport => ({ received, expected, at: doneAt?.toString(), lost });
  if (received >= expected) return Promise.resolve(report());
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      onDone = undefined;
      resolve(report());
    }, timeoutMs);
    onDone = () => {
      clearTimeout(timer);
      onDone = undefined;
      resolve(report());
    };
  });
}

// The official Phoenix client heartbeats every 30 s; so do the Fawkes clients,
// spread over the interval (a thirtieth of them each second) as independent
// clients would be, rather than all in one burst.
const HEARTBEAT_SLICES = 30;
let heartbeatSlice = 0;
setInterval(() => {
  const slice = heartbeatSlice++ % HEARTBEAT_SLICES;
  for (let i = slice; i < clients.length; i += HEARTBEAT_SLICES) clients[i]!.heartbeat();
}, 30_000 / HEARTBEAT_SLICES).unref();

serveCommands(async (command) => {
  switch (command.cmd) {
    case "connect":
      return connectAll(command as unknown as ConnectCommand);
    case "roundtrip":
      return roundTrips(Number(command.perConnection));
    case "arm":
      received = 0;
      doneAt = undefined;
      expected = clients.length * Number(command.perClient);
      return null;
    case "wait":
      return waitReceipts(Number(command.timeoutMs));
    case "stats":
      return { clients: clients.length, attempted, lost };
    case "cpu": {
      // This generator's CPU so far, microseconds (user + system).
      const cpu = process.cpuUsage();
      return cpu.user + cpu.system;
    }
    case "close":
      for (const c of clients) c.close();
      clients.length = 0;
      return null;
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
});

announceReady({ pid: process.pid });
