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
export interface ConnectReport { readonly connected: number; readonly failed: number; readonly firstError: string | undefined; readonly ms: number }
/** What `wait` answers: receipts since `arm`, and when the last expected one arrived. */
export interface ReceiptReport { readonly received: number; readonly expected: number; readonly at: string | undefined; readonly lost: number }

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

async function connectAll(command: { system: string; port: number; count: number; addresses: string[]; concurrency: number }): Promise<ConnectReport> {
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
      try {
        clients.push(await connect({ port: command.port, localAddress, onBroadcast, onLost: () => { lost++; } }));
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
  await Promise.all(clients.map(async (client) => {
    for (let i = 0; i < perConnection; i++) await client.request(n++);
  }));
  return { roundTrips: clients.length * perConnection, ms: Number(now() - started) / 1e6 };
}

function waitReceipts(timeoutMs: number): Promise<ReceiptReport> {
  const report = (): ReceiptReport => ({ received, expected, at: doneAt?.toString(), lost });
  if (received >= expected) return Promise.resolve(report());
  return new Promise((resolve) => {
    const timer = setTimeout(() => { onDone = undefined; resolve(report()); }, timeoutMs);
    onDone = () => { clearTimeout(timer); onDone = undefined; resolve(report()); };
  });
}

// The official Phoenix client heartbeats every 30 s; so do the Fawkes clients.
setInterval(() => { for (const c of clients) c.heartbeat(); }, 30_000).unref();

serveCommands(async (command) => {
  switch (command.cmd) {
    case "connect":
      return connectAll(command as unknown as Parameters<typeof connectAll>[0]);
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
      return { clients: clients.length, lost };
    case "close":
      for (const c of clients) c.close();
      clients.length = 0;
      return null;
    default:
      throw new Error(`unknown command ${command.cmd}`);
  }
});

announceReady({ pid: process.pid });
