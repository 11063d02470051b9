import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { allTables, GOALS, SCALE_GOAL, scaleGoalMet, type BenchResults } from "./tables.js";
import { formatMarkdown } from "./table.js";
import { renderSvg } from "./svg.js";
import type { FanOutFigures } from "../load/scenarios/fan-out.js";

/** bench/results/ */
export const RESULTS_DIR = fileURLToPath(new URL("../../results/", import.meta.url));

function fawkesVsWs<T>(
  list: readonly { system: string; outcome: { ok: boolean } }[] | undefined,
  f: (o: T) => number,
): { fawkes: number; ws: number } | undefined {
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
    line(
      "round trip CPU",
      fawkesVsWs(r.roundTrip, (o: { cpuPerOpUs: number }) => o.cpuPerOpUs),
      GOALS.roundTrip.max,
      us,
    ),
    line(
      "fan-out CPU per delivery (burst)",
      fawkesVsWs(r.fanOut, (o: FanOutFigures) => o.burst.cpuPerDeliveryUs),
      GOALS.fanOut.max,
      us,
    ),
    line(
      "fan-out CPU per delivery (spaced, one broadcast per turn)",
      fawkesVsWs(r.fanOut, (o: FanOutFigures) => o.spaced.cpuPerDeliveryUs),
      GOALS.fanOut.max,
      us,
    ),
    line(
      "memory heap per connection",
      fawkesVsWs(r.memory, (o: { heapPerConnection: number }) => o.heapPerConnection),
      GOALS.memory.max,
      kb,
    ),
  ];
  const scale = r.scale?.find((x) => x.system === "fawkes")?.outcome;
  if (scale?.ok) {
    const where = scale.nodes > 1 ? `on ${scale.nodes} nodes joined by Redis` : "in one process";
    lines.push(
      `scale: Fawkes held ${scale.connections.toLocaleString("en-US")} joined connections ${where}, broadcast to all in ${scale.latencyMedianMs.toFixed(0)} ms median (max ${scale.latencyMaxMs.toFixed(0)}); ` +
        `goal ${SCALE_GOAL.connections.toLocaleString("en-US")} in < ${SCALE_GOAL.latencyMs} ms: ${scaleGoalMet(scale) ? "met" : "MISSED"}`,
    );
  } else if (scale !== undefined) {
    lines.push(`scale: Fawkes failed: ${scale.error}`);
  } else {
    lines.push("scale: not run (opt-in: --scale)");
  }
  return lines;
}

/** True when a run measured only the scale scenario (it is long and opt-in, so it gets its own files). */
function scaleOnly(r: BenchResults): boolean {
  return r.scale !== undefined && r.micro === undefined && r.roundTrip === undefined && r.fanOut === undefined && r.memory === undefined;
}

/**
 * Write results(-quick).md, .svg and .json to bench/results/; returns the paths.
 * A run of the scale scenario alone writes results-scale.md and .json instead
 * (no chart: the chart shows the per-operation figures), so it neither replaces
 * nor is replaced by the default run's results.
 */
export function writeResults(r: BenchResults): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const only = scaleOnly(r) && !r.environment.quick;
  const base = r.environment.quick ? "results-quick" : only ? "results-scale" : "results";
  const e = r.environment;
  const goals = only ? goalLines(r).filter((l) => l.startsWith("scale")) : goalLines(r);
  const pinning = only
    ? "Nothing pinned (scale scenario: servers, load generators and Redis share both cores)"
    : `Server ${e.pinned ? "pinned to CPU 0, load generators to CPU 1 (taskset)" : "not pinned (no taskset or one core)"}${r.scale !== undefined ? " (scale scenario: nothing pinned)" : ""}`;
  const md = [
    `# Fawkes benchmark results${e.quick ? " (quick mode: small counts, smoke only)" : ""}`,
    "",
    `Node ${e.node} · ${e.cpu} · ${e.cores} cores · ${e.memoryGb} GB · ${e.platform} · ${e.date}`,
    "",
    `${pinning}; 1-min load average at start ${e.loadAverage.toFixed(2)} (other work on the machine).${e.profiled ? " **Profiled run: the CPU profiler's overhead is in these figures.**" : ""}`,
    "",
    ...(only ? [] : [`![chart](${base}.svg)`, ""]),
    "## Goals (issue 3)",
    "",
    ...goals.map((l) => `- ${l}`),
    "",
    "## Tables",
    "",
    ...allTables(r).flatMap((t) => [formatMarkdown(t), ""]),
    "How each figure is measured: see [../README.md](../README.md).",
    "",
  ].join("\n");
  const paths = [join(RESULTS_DIR, `${base}.md`), join(RESULTS_DIR, `${base}.json`)];
  writeFileSync(paths[0]!, md);
  writeFileSync(paths[1]!, JSON.stringify(r, null, 2) + "\n");
  if (!only) {
    paths.push(join(RESULTS_DIR, `${base}.svg`));
    writeFileSync(paths[2]!, renderSvg(r));
  }
  return paths;
}
