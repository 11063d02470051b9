import { readFileSync } from "node:fs";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One frame's share of the profile. */
export interface FrameShare {
  readonly frame: string;
  /** Time in the frame itself, percent of all samples. */
  readonly selfPercent: number;
  /** Time in the frame and everything it called, percent. */
  readonly totalPercent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly bySelf: readonly FrameShare[];
  readonly byTotal: readonly FrameShare[];
}

/** `name (package/file:line)`, with paths cut to what tells a reader where to look. */
function label(f: CallFrame): string {
  const name = f.functionName || "(anonymous)";
  if (f.url === "") return name;
  const path = f.url.replace(/^file:\/\//, "");
  const short =
    /node_modules\/(.+)$/.exec(path)?.[1] ?? /\/(core|transports|serializers|bench)\/(.+)$/.exec(path)?.slice(1).join("/") ?? path.replace(/^node:/, "node:");
  return `${name} (${short}:${f.lineNumber + 1})`;
}

/**
 * Self and inclusive time per frame of a `.cpuprofile` (what `node --cpu-prof`
 * and the inspector write), top `limit` of each, idle and GC markers included.
 */
export function summarizeProfile(file: string, limit = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  // Samples inside the inspector session's own calls (profiler start and stop)
  // carry the long gaps around them: they are the harness, not the server.
  const harness = new Map<number, boolean>();
  const inHarness = (id: number): boolean => {
    let known = harness.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = byId.get(id)!.callFrame.url === "node:inspector" || (up !== undefined && inHarness(up));
      harness.set(id, known);
    }
    return known;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    if (inHarness(profile.samples[i]!)) continue;
    const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
    all += dt;
    let id: number | undefined = profile.samples[i]!;
    const leaf = byId.get(id)!;
    self.set(label(leaf.callFrame), (self.get(label(leaf.callFrame)) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const l = label(byId.get(id)!.callFrame);
      if (!seen.has(l)) {
        seen.add(l);
        total.set(l, (total.get(l) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const share = (frame: string): FrameShare => ({
    frame,
    selfPercent: (100 * (self.get(frame) ?? 0)) / all,
    totalPercent: (100 * (total.get(frame) ?? 0)) / all,
  });
  const top = (m: Map<string, number>, skip: (frame: string) => boolean): FrameShare[] =>
    [...m.entries()]
      .filter(([f]) => !skip(f))
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([f]) => share(f));
  const structural = (f: string): boolean => f === "(root)" || f.startsWith("(program)") || f.startsWith("(idle)");
  return { file, totalMs: all / 1000, bySelf: top(self, () => false), byTotal: top(total, structural) };
}
