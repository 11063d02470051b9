import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { allTables, GOALS, SCALE_GOAL, type BenchResults } from "./tables.js";
import { formatMarkdown } from "./table.js";
import { renderSvg } from "./svg.js";
import type { FanOutFigures } from "../load/scenarios/fan-out.js";

/** bench/results/ */
export const RESULTS_DIR = fileURLToPath(new URL("../../results/", import.meta.url));

function fawkesVsWs<T>(list: readonly { system: string; outcome: { ok: boolean } }[] | undefined, f: (o: T) => number): { fawkes: number; ws: number } | undefined {
  const get = (s: string): number | undefined => {
    const o = list?.find((x) => x.system === s)?.outcome;
    return o?.ok ? f(o as T) : undefined;
  };
  const fawkes = get("fawkes");
  const ws = get("ws");
  return fawkes !== undefined && ws !== undefined ? { fawkes, ws } : undefined;
}

/** One line per goal of issue 3: the Fawkes figure, its ratio and whether it is met. */
export function goalLines(r: BenchResults): string[] {
  const line = (name: string, pair: { fawkes: number; ws: number } | undefined, max: number, unit: (v: number) => string): string => {
    if (pair === undefined) return `${name}: not measured in this run (need both Fawkes and bare ws)`;
    const x = pair.fawkes / pair.ws;
    return `${name}: Fawkes ${unit(pair.fawkes)} vs bare ws ${unit(pair.ws)} = ${x.toFixed(2)}x, goal <= ${max}x: ${x <= max ? "met" : "MISSED"}`;
  };
  const us = (v: number): string => `${v.toFixed(2)} us`;
  const kb = (v: number): string => `${(v / 1024).toFixed(2)} KB`;
  const lines = [
    line("round trip CPU", fawkesVsWs(r.roundTrip, (o: { cpuPerOpUs: number }) => o.cpuPerOpUs), GOALS.roundTrip.max, us),
    line("fan-out CPU per delivery (burst)", fawkesVsWs(r.fanOut, (o: FanOutFigures) => o.burst.cpuPerDeliveryUs), GOALS.fanOut.max, us),
    line("fan-out CPU per delivery (spaced, one broadcast per turn)", fawkesVsWs(r.fanOut, (o: FanOutFigures) => o.spaced.cpuPerDeliveryUs), GOALS.fanOut.max, us),
    line("memory heap per connection", fawkesVsWs(r.memory, (o: { heapPerConnection: number }) => o.heapPerConnection), GOALS.memory.max, kb),
  ];
  const scale = r.scale?.find((x) => x.system === "fawkes")?.outcome;
  if (scale?.ok) {
    const met = scale.connections >= SCALE_GOAL.connections && scale.latencyMaxMs < SCALE_GOAL.latencyMs;
    lines.push(`scale: Fawkes held ${scale.connections.toLocaleString("en-US")} joined connections in one process, broadcast to all in ${scale.latencyMedianMs.toFixed(0)} ms (max ${scale.latencyMaxMs.toFixed(0)}); goal ${SCALE_GOAL.connections.toLocaleString("en-US")} in < ${SCALE_GOAL.latencyMs} ms: ${met ? "met" : "not reached on one process (see README: what 100k needs)"}`);
  } else {
    lines.push("scale: not run (opt-in: --scale)");
  }
  return lines;
}

/** Write results(-quick).md, .svg and .json to bench/results/; returns the paths. */
export function writeResults(r: BenchResults): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = r.environment.quick ? "results-quick" : "results";
  const e = r.environment;
  const md = [
    `# Fawkes benchmark results${e.quick ? " (quick mode: small counts, smoke only)" : ""}`,
    "",
    `Node ${e.node} · ${e.cpu} · ${e.cores} cores · ${e.memoryGb} GB · ${e.platform} · ${e.date}`,
    "",
    `Server ${e.pinned ? "pinned to CPU 0, load generators to CPU 1 (taskset)" : "not pinned (no taskset or one core)"}; 1-min load average at start ${e.loadAverage.toFixed(2)} (other work on the machine).${e.profiled ? " **Profiled run: the CPU profiler's overhead is in these figures.**" : ""}`,
    "",
    `![chart](${base}.svg)`,
    "",
    "## Goals (issue 3)",
    "",
    ...goalLines(r).map((l) => `- ${l}`),
    "",
    "## Tables",
    "",
    ...allTables(r).flatMap((t) => [formatMarkdown(t), ""]),
    "How each figure is measured: see [../README.md](../README.md).",
    "",
  ].join("\n");
  const paths = [join(RESULTS_DIR, `${base}.md`), join(RESULTS_DIR, `${base}.svg`), join(RESULTS_DIR, `${base}.json`)];
  writeFileSync(paths[0]!, md);
  writeFileSync(paths[1]!, renderSvg(r));
  writeFileSync(paths[2]!, JSON.stringify(r, null, 2) + "\n");
  return paths;
}
