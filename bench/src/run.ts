/**
 * `npm run bench` (`node bench/dist/run.js [--quick] [--scale] [--profile] ...`):
 * micro benchmarks in this process, then each load scenario against bare ws,
 * Socket.IO 4 and Fawkes, each server in its own pinned child process. Prints
 * tables and writes bench/results/. Options: see bench/README.md.
 */
import { parseOptions } from "./options.js";
import { micro } from "./micro/index.js";
import { roundTrip } from "./load/scenarios/round-trip.js";
import { fanOut } from "./load/scenarios/fan-out.js";
import { memory } from "./load/scenarios/memory.js";
import { scale } from "./load/scenarios/scale.js";
import { PROFILE_DIR } from "./load/harness.js";
import { summarizeProfile } from "./profile/summary.js";
import { environment } from "./report/environment.js";
import { allTables, type BenchResults } from "./report/tables.js";
import { formatText } from "./report/table.js";
import { goalLines, writeResults } from "./report/write.js";

const options = parseOptions(process.argv.slice(2), process.env);
const log = (line: string): void => console.log(line);
const started = Date.now();
const env = environment(options.quick, options.profile);
log(
  `Fawkes bench: Node ${env.node}, ${env.cpu} x${env.cores}, ${options.quick ? "QUICK" : "full"} mode, scenarios ${options.scenarios.join(", ")}, systems ${options.systems.join(", ")}`,
);
if (!env.pinned) log("taskset or a second core is missing: server and generator are not pinned");

const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = { environment: env };
for (const scenario of options.scenarios) {
  switch (scenario) {
    case "micro":
      results.micro = await micro(options, log);
      break;
    case "roundtrip":
      results.roundTrip = await roundTrip(options, log);
      break;
    case "fanout":
      results.fanOut = await fanOut(options, log);
      break;
    case "memory":
      results.memory = await memory(options, log);
      break;
    case "scale":
      results.scale = await scale(options, log);
      break;
  }
}

if (options.profile) {
  // The profiles this run wrote, in table order.
  const files: (string | undefined)[] = [];
  for (const r of results.roundTrip ?? []) if (r.outcome.ok) files.push(r.outcome.profile);
  for (const r of results.fanOut ?? []) if (r.outcome.ok) files.push(r.outcome.burst.profile, r.outcome.spaced.profile);
  results.profiles = files.filter((f): f is string => f !== undefined).map((f) => summarizeProfile(f));
  log(`profiles: ${PROFILE_DIR} (open in Chrome DevTools > Performance, or speedscope)`);
}

log("");
for (const table of allTables(results)) log(`${formatText(table)}\n`);
log("Goals (issue 3):");
for (const line of goalLines(results)) log(`  ${line}`);
if (options.write) {
  const paths = writeResults(results);
  log(`\nwrote ${paths.join(", ")}`);
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
