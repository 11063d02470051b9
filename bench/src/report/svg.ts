import { SYSTEMS, SYSTEM_LABEL, type SystemName } from "../options.js";
import { GOALS, type BenchResults } from "./tables.js";
import { num } from "./table.js";
import type { FanOutFigures } from "../load/scenarios/fan-out.js";

interface Group {
  readonly title: string;
  readonly unit: (v: number) => string;
  readonly values: Partial<Record<SystemName, number>>;
  readonly goal: number | undefined;
}

const COLORS: Record<SystemName, string> = { ws: "#8c8c8c", socketio: "#4a7bd0", fawkes: "#e8772e" };

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}

function groups(r: BenchResults): Group[] {
  const pick = <T>(list: readonly { system: SystemName; outcome: { ok: boolean } }[] | undefined, f: (o: T) => number): Partial<Record<SystemName, number>> => {
    const out: Partial<Record<SystemName, number>> = {};
    for (const x of list ?? []) if (x.outcome.ok) out[x.system] = f(x.outcome as T);
    return out;
  };
  const all: Group[] = [
    {
      title: "Round trip: CPU/round trip",
      unit: (v) => `${num(v)} us`,
      values: pick(r.roundTrip, (o: { cpuPerOpUs: number }) => o.cpuPerOpUs),
      goal: GOALS.roundTrip.max,
    },
    {
      title: "Fan-out burst: CPU/delivery",
      unit: (v) => `${num(v)} us`,
      values: pick(r.fanOut, (o: FanOutFigures) => o.burst.cpuPerDeliveryUs),
      goal: GOALS.fanOut.max,
    },
    {
      title: "Fan-out spaced: CPU/delivery",
      unit: (v) => `${num(v)} us`,
      values: pick(r.fanOut, (o: FanOutFigures) => o.spaced.cpuPerDeliveryUs),
      goal: GOALS.fanOut.max,
    },
    {
      title: "Memory: heap/connection",
      unit: (v) => `${num(v / 1024)} KB`,
      values: pick(r.memory, (o: { heapPerConnection: number }) => o.heapPerConnection),
      goal: GOALS.memory.max,
    },
    {
      title: "Memory: RSS/connection",
      unit: (v) => `${num(v / 1024)} KB`,
      values: pick(r.memory, (o: { rssPerConnection: number }) => o.rssPerConnection),
      goal: undefined,
    },
  ];
  return all.filter((g) => g.values.ws !== undefined && Object.keys(g.values).length > 1);
}

/**
 * A grouped bar chart of the load figures, each normalised to bare ws = 1
 * (lower is better), with the Fawkes goal drawn as a dashed line. Hand-written
 * SVG, no chart library.
 */
export function renderSvg(r: BenchResults): string {
  const gs = groups(r);
  const width = 1100;
  const height = 440;
  const top = 70;
  const bottom = 90;
  const left = 60;
  const plotH = height - top - bottom;
  const groupW = gs.length === 0 ? 0 : (width - left - 20) / gs.length;
  const barW = Math.min(60, groupW / 4.5);
  const ratios = gs.flatMap((g) => Object.values(g.values).map((v) => v! / g.values.ws!));
  const maxRatio = Math.max(1.5, ...ratios, ...gs.map((g) => g.goal ?? 0)) * 1.15;
  const y = (ratio: number): number => top + plotH - (ratio / maxRatio) * plotH;
  const e = r.environment;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">Fawkes vs bare ws vs Socket.IO 4: server cost, relative to bare ws (lower is better)</text>`,
    `<text x="${width / 2}" y="44" text-anchor="middle" fill="#555">${escapeXml(`Node ${e.node} · ${e.cpu} · ${e.cores} cores · ${e.pinned ? "server pinned to CPU 0" : "not pinned"} · ${e.date.slice(0, 10)}${e.quick ? " · QUICK MODE (small counts)" : ""}`)}</text>`,
  ];
  // Axis and grid.
  const step = maxRatio > 4 ? 1 : 0.5;
  for (let t = 0; t <= maxRatio; t += step) {
    out.push(`<line x1="${left}" x2="${width - 20}" y1="${y(t)}" y2="${y(t)}" stroke="${t === 1 ? "#999" : "#eee"}"/>`);
    out.push(`<text x="${left - 8}" y="${y(t) + 4}" text-anchor="end" fill="#555">${t.toFixed(1)}x</text>`);
  }
  gs.forEach((g, gi) => {
    const gx = left + gi * groupW + groupW / 2;
    const present = SYSTEMS.filter((s) => g.values[s] !== undefined);
    present.forEach((s, si) => {
      const v = g.values[s]!;
      const ratio = v / g.values.ws!;
      const x = gx + (si - present.length / 2) * (barW + 8) + 4;
      out.push(
        `<rect x="${x}" y="${y(ratio)}" width="${barW}" height="${top + plotH - y(ratio)}" fill="${COLORS[s]}"><title>${escapeXml(`${SYSTEM_LABEL[s]}: ${g.unit(v)} (${ratio.toFixed(2)}x)`)}</title></rect>`,
      );
      out.push(`<text x="${x + barW / 2}" y="${y(ratio) - 16}" text-anchor="middle" font-weight="bold">${ratio.toFixed(2)}x</text>`);
      out.push(`<text x="${x + barW / 2}" y="${y(ratio) - 4}" text-anchor="middle" fill="#555" font-size="10">${escapeXml(g.unit(v))}</text>`);
      if (s === "fawkes" && g.goal !== undefined) {
        out.push(`<line x1="${x - 6}" x2="${x + barW + 6}" y1="${y(g.goal)}" y2="${y(g.goal)}" stroke="#c0392b" stroke-width="2" stroke-dasharray="5,3"/>`);
        out.push(`<text x="${x + barW + 8}" y="${y(g.goal) + 4}" fill="#c0392b" font-size="10">goal ${g.goal}x</text>`);
      }
    });
    out.push(`<text x="${gx}" y="${top + plotH + 20}" text-anchor="middle" font-weight="bold">${escapeXml(g.title)}</text>`);
  });
  SYSTEMS.forEach((s, i) => {
    const x = left + i * 150;
    out.push(`<rect x="${x}" y="${height - 40}" width="14" height="14" fill="${COLORS[s]}"/>`);
    out.push(`<text x="${x + 20}" y="${height - 28}">${SYSTEM_LABEL[s]}</text>`);
  });
  out.push(`<line x1="${left + 470}" x2="${left + 500}" y1="${height - 33}" y2="${height - 33}" stroke="#c0392b" stroke-width="2" stroke-dasharray="5,3"/>`);
  out.push(`<text x="${left + 506}" y="${height - 28}">Fawkes goal (issue 3)</text>`);
  if (gs.length === 0) out.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no load figures with a bare ws baseline in this run</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}
