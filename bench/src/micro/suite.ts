import Benchmark from "benchmark";

/** One micro benchmark's figures. */
export interface MicroRow {
  readonly group: string;
  readonly name: string;
  readonly opsPerSecond: number;
  /** Relative margin of error, percent. */
  readonly rme: number;
  readonly samples: number;
  /** Items per operation (e.g. subscribers per broadcast), to report time per item. */
  readonly perOp: number;
  /** Bytes on the wire of the frame the case produces or reads, when it has one. */
  readonly wireBytes?: number | undefined;
}

/** One case: a name, a synchronous body, and how many items one call handles. */
export interface MicroCase {
  readonly name: string;
  readonly fn: () => void;
  readonly perOp?: number;
  readonly wireBytes?: number;
}

/** Run `cases` as one benchmark.js suite; `maxTime` seconds per case. */
export function runSuite(group: string, cases: readonly MicroCase[], maxTime: number): MicroRow[] {
  const suite = new Benchmark.Suite(group);
  for (const c of cases) suite.add(c.name, c.fn, { maxTime, minSamples: 5 });
  const rows: MicroRow[] = [];
  suite.on("cycle", (event: Benchmark.Event) => {
    const b = event.target as unknown as Benchmark & { name: string };
    if (b.error !== undefined) throw b.error;
    const c = cases.find((k) => k.name === b.name);
    rows.push({ group, name: b.name, opsPerSecond: b.hz, rme: b.stats.rme, samples: b.stats.sample.length, perOp: c?.perOp ?? 1, wireBytes: c?.wireBytes });
  });
  suite.run({ async: false });
  return rows;
}

/** Keeps results alive so the JIT cannot drop the work. */
export let sink: unknown;
export function consume(value: unknown): void {
  sink = value;
}
