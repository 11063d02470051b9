import { SYSTEM_LABEL, type SystemName } from "../options.js";
import type { MicroRow } from "../micro/index.js";
import type { SystemResult } from "../load/scenarios/result.js";
import type { RoundTripFigures } from "../load/scenarios/round-trip.js";
import type { FanOutFigures } from "../load/scenarios/fan-out.js";
import type { MemoryFigures } from "../load/scenarios/memory.js";
import { scaleLayout, type ScaleFigures } from "../load/scenarios/scale.js";
import type { ProfileSummary } from "../profile/summary.js";
import type { Environment } from "./environment.js";
import { num, ratio, type Table } from "./table.js";

/** Everything one run produced. */
export interface BenchResults {
  readonly environment: Environment;
  readonly micro?: readonly MicroRow[];
  readonly roundTrip?: readonly SystemResult<RoundTripFigures>[];
  readonly fanOut?: readonly SystemResult<FanOutFigures>[];
  readonly memory?: readonly SystemResult<MemoryFigures>[];
  readonly scale?: readonly SystemResult<ScaleFigures>[];
  readonly profiles?: readonly ProfileSummary[];
}

/** A Fawkes goal: the figure must be at most `max` times bare ws. */
export interface Goal {
  readonly max: number;
  readonly text: string;
}
export const GOALS = {
  roundTrip: { max: 1.2, text: "at most 1.2x bare ws CPU per round trip" },
  fanOut: { max: 0.25, text: "at most 0.25x bare ws loop CPU per delivery" },
  memory: { max: 1.5, text: "at most 1.5x bare ws heap per connection" },
} as const satisfies Record<string, Goal>;

/** Scale goal: 100,000 joined connections, one broadcast to all in under 2 s. */
export const SCALE_GOAL = { connections: 100_000, latencyMs: 2_000 };

function figure<T>(results: readonly SystemResult<T>[], system: SystemName): (T & { ok: true }) | undefined {
  const r = results.find((x) => x.system === system)?.outcome;
  return r?.ok ? (r as T & { ok: true }) : undefined;
}

function verdict(system: SystemName, value: number, base: number | undefined, goal: Goal): string {
  if (system !== "fawkes") return "";
  if (base === undefined) return "no baseline";
  return value / base <= goal.max ? `met (goal <= ${goal.max}x)` : `MISSED (goal <= ${goal.max}x)`;
}

function failedRow(system: SystemName, error: string, width: number): string[] {
  return [SYSTEM_LABEL[system], `n/a: ${error}`, ...Array.from({ length: width - 2 }, () => "")];
}

export function microTable(rows: readonly MicroRow[]): Table {
  return {
    title: "Micro benchmarks (benchmark.js, in-process)",
    headers: ["group", "case", "ops/s", "ns/op", "ns/item", "wire B", "+-%", "samples"],
    rows: rows.map((r) => [
      r.group,
      r.name,
      num(r.opsPerSecond, 0),
      num(1e9 / r.opsPerSecond, 1),
      r.perOp > 1 ? num(1e9 / r.opsPerSecond / r.perOp, 1) : "",
      r.wireBytes === undefined ? "" : String(r.wireBytes),
      r.rme.toFixed(1),
      String(r.samples),
    ]),
    notes: ["wire B: bytes of the frame's payload on the wire (UTF-8 for text frames), without the WebSocket header."],
  };
}

export function roundTripTable(results: readonly SystemResult<RoundTripFigures>[]): Table {
  const base = figure(results, "ws");
  const first = results.map((r) => r.outcome).find((o): o is RoundTripFigures & { ok: true } => o.ok);
  return {
    title: `Round trip: ${first ? `${num(first.roundTrips, 0)} requests over ` : ""}concurrent connections, server CPU per round trip`,
    headers: ["system", "CPU us/round trip", "vs ws", "round trips/s", "vs ws", "Fawkes goal"],
    rows: results.map(({ system, outcome: o }) =>
      o.ok
        ? [
            SYSTEM_LABEL[system],
            num(o.cpuPerOpUs),
            ratio(o.cpuPerOpUs, base?.cpuPerOpUs),
            num(o.perSecond, 0),
            ratio(o.perSecond, base?.perSecond),
            verdict(system, o.cpuPerOpUs, base?.cpuPerOpUs, GOALS.roundTrip),
          ]
        : failedRow(system, o.error, 6),
    ),
    notes: ["Fawkes: push `ping` with reply on a joined channel (jsonV2); ws: echo; Socket.IO: emit with ack.", `Goal: Fawkes ${GOALS.roundTrip.text}.`],
  };
}

export function fanOutTable(results: readonly SystemResult<FanOutFigures>[]): Table {
  const base = figure(results, "ws");
  const first = results.map((r) => r.outcome).find((o): o is FanOutFigures & { ok: true } => o.ok);
  const rows: string[][] = [];
  for (const mode of ["burst", "spaced"] as const) {
    for (const { system, outcome: o } of results) {
      if (!o.ok) {
        if (mode === "burst") rows.push(failedRow(system, o.error, 7));
        continue;
      }
      const p = o[mode];
      const b = base?.[mode];
      rows.push([
        SYSTEM_LABEL[system],
        mode,
        num(p.cpuPerDeliveryUs),
        ratio(p.cpuPerDeliveryUs, b?.cpuPerDeliveryUs),
        num(p.perSecond, 0),
        ratio(p.perSecond, b?.perSecond),
        verdict(system, p.cpuPerDeliveryUs, b?.cpuPerDeliveryUs, GOALS.fanOut),
      ]);
    }
  }
  return {
    title: `Fan-out: ${first ? `${num(first.connections, 0)} joined connections, ${num(first.burst.deliveries, 0)} deliveries per mode` : "broadcasts to joined connections"}, server CPU per delivery`,
    headers: ["system", "mode", "CPU us/delivery", "vs ws", "deliveries/s", "vs ws", "Fawkes goal"],
    rows,
    notes: [
      "Fawkes: endpoint.broadcast (fastlane); ws: loop of send over the clients; Socket.IO: io.to(room).emit. ~100-byte payload.",
      "burst: all broadcasts in one synchronous loop (frames to one socket may share a write); spaced: one broadcast per server event-loop turn.",
      "deliveries/s: from the first broadcast to the last receipt; the load generator (one core) bounds it for all three.",
      `Goal: Fawkes ${GOALS.fanOut.text}.`,
    ],
  };
}

export function memoryTable(results: readonly SystemResult<MemoryFigures>[]): Table {
  const base = figure(results, "ws");
  const first = results.map((r) => r.outcome).find((o): o is MemoryFigures & { ok: true } => o.ok);
  const kb = (b: number): string => num(b / 1024);
  return {
    title: `Memory: ${first ? num(first.connections, 0) : "N"} idle connections joined to one channel, per connection`,
    headers: ["system", "heap KB", "vs ws", "RSS KB", "vs ws", "external KB", "Fawkes goal"],
    rows: results.map(({ system, outcome: o }) =>
      o.ok
        ? [
            SYSTEM_LABEL[system],
            kb(o.heapPerConnection),
            ratio(o.heapPerConnection, base?.heapPerConnection),
            kb(o.rssPerConnection),
            ratio(o.rssPerConnection, base?.rssPerConnection),
            kb(o.externalPerConnection),
            verdict(system, o.heapPerConnection, base?.heapPerConnection, GOALS.memory),
          ]
        : failedRow(system, o.error, 7),
    ),
    notes: ["After forced GC (--expose-gc) in the server, baseline (no connections) subtracted.", `Goal: Fawkes ${GOALS.memory.text}.`],
  };
}

export function scaleTable(results: readonly SystemResult<ScaleFigures>[]): Table {
  const fawkes = figure(results, "fawkes");
  return {
    title: `Scale: joined connections, one broadcast to all${fawkes !== undefined && fawkes.nodes > 1 ? ` (Fawkes on ${fawkes.nodes} nodes joined by Redis)` : ""}`,
    headers: [
      "system",
      "servers",
      "connections",
      "connect s",
      "broadcast ms (median)",
      "max ms",
      "server CPU ms/broadcast",
      "generator CPU ms/broadcast",
      "heap KB/conn",
      "RSS KB/conn",
      "goal",
    ],
    rows: results.map(({ system, outcome: o }) =>
      o.ok
        ? [
            SYSTEM_LABEL[system],
            scaleLayout(system, o),
            num(o.connections, 0),
            num(o.connectSeconds, 1),
            num(o.latencyMedianMs, 0),
            num(o.latencyMaxMs, 0),
            num(o.cpuPerBroadcastMs, 0),
            num(o.generatorCpuPerBroadcastMs, 0),
            num(o.heapPerConnection / 1024),
            num(o.rssPerConnection / 1024),
            system === "fawkes" ? (scaleGoalMet(o) ? "met" : "MISSED") : "",
          ]
        : failedRow(system, o.error, 11),
    ),
    notes: [
      `Goal: Fawkes with ${SCALE_GOAL.connections.toLocaleString("en-US")} joined connections, one broadcast to all in under ${SCALE_GOAL.latencyMs / 1000} s (worst of the measured broadcasts).`,
      "One process holds < 20,000 sockets here (open-files limit 20,000, hard). Fawkes runs as several server processes (nodes, one port each, clients spread evenly) " +
        "joined by @fawkes/redis; each broadcast is issued on one node (in turn), reaches the others through Redis, and every node fans out to its own connections.",
      "Bare ws and Socket.IO have no cross-process adapter in this bench: they run ONE process, at most 19,800 connections.",
      "broadcast ms: from the broadcast call in the server to the last receipt in any load generator (shared monotonic clock); one warm-up broadcast first, not counted. " +
        "Nothing is pinned: servers, generators and Redis share both cores.",
      "server CPU: all server processes, idle heartbeat CPU of the same time taken out; generator CPU: receiving and counting every message. Memory: per connection over all nodes, after forced GC.",
      ...(fawkes !== undefined && fawkes.nodes > 1 && fawkes.reachedLastNodeMs !== undefined && fawkes.writtenOutMs !== undefined
        ? [
            `Fawkes stages (medians): the broadcast reached the last node after ${num(fawkes.reachedLastNodeMs, 1)} ms, every node had written its fan-out after ${num(fawkes.writtenOutMs, 0)} ms, the last receipt came at ${num(fawkes.latencyMedianMs, 0)} ms.`,
          ]
        : []),
      ...(fawkes !== undefined
        ? [
            `Fawkes CPU per broadcast: servers ${num(fawkes.cpuPerBroadcastMs, 0)} ms + generators ${num(fawkes.generatorCpuPerBroadcastMs, 0)} ms` +
              `${fawkes.redisCpuPerBroadcastMs !== undefined ? ` + Redis ${num(fawkes.redisCpuPerBroadcastMs, 1)} ms` : ""}: on two cores a broadcast cannot reach everyone in less than about half that sum ` +
              `(${num((fawkes.cpuPerBroadcastMs + fawkes.generatorCpuPerBroadcastMs + (fawkes.redisCpuPerBroadcastMs ?? 0)) / 2, 0)} ms).` +
              `${fawkes.otherCpuMedianMs !== undefined ? ` Other processes on the machine took ${num(fawkes.otherCpuMedianMs, 0)} ms of CPU per broadcast (median; most ${num(fawkes.otherCpuMaxMs ?? 0, 0)} ms) in the same windows.` : ""}`,
          ]
        : []),
    ],
  };
}

/** True when a scale run reached the goal: enough connections and the worst broadcast under the limit. */
export function scaleGoalMet(o: ScaleFigures): boolean {
  return o.connections >= SCALE_GOAL.connections && o.latencyMaxMs < SCALE_GOAL.latencyMs;
}

export function profileTables(profiles: readonly ProfileSummary[]): Table[] {
  return profiles.map((p) => ({
    title: `Profile ${p.file.replace(/^.*\//, "")}: ${num(p.totalMs, 0)} ms sampled, top frames by self time`,
    headers: ["self %", "total %", "frame"],
    rows: p.bySelf.map((f) => [f.selfPercent.toFixed(1), f.totalPercent.toFixed(1), f.frame]),
  }));
}

/** Every table of a run, in print order. */
export function allTables(r: BenchResults): Table[] {
  const tables: Table[] = [];
  if (r.micro) tables.push(microTable(r.micro));
  if (r.roundTrip) tables.push(roundTripTable(r.roundTrip));
  if (r.fanOut) tables.push(fanOutTable(r.fanOut));
  if (r.memory) tables.push(memoryTable(r.memory));
  if (r.scale) tables.push(scaleTable(r.scale));
  if (r.profiles) tables.push(...profileTables(r.profiles));
  return tables;
}
