/**
 * How many runs each fuzz property gets: `FAWKES_FUZZ_RUNS` when set (a positive
 * integer), else `fallback` (kept small so `npm test` stays bounded).
 */
export function fuzzRuns(fallback: number): number {
  const raw = process.env.FAWKES_FUZZ_RUNS;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`FAWKES_FUZZ_RUNS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** True when `FAWKES_FUZZ_RUNS` asks for a longer run than the default. */
export function longFuzz(): boolean {
  return process.env.FAWKES_FUZZ_RUNS !== undefined && process.env.FAWKES_FUZZ_RUNS !== "";
}
