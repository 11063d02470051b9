// The gate that runs a few transport cases at a time, and isolated ones alone.
import test from "ava";
import { CaseGate } from "../dist/transport/case-gate.js";

test("at most `limit` shared cases run at once; they start in arrival order", async (t) => {
  const gate = new CaseGate(2);
  const started: number[] = [];
  const leaves: (() => void)[] = [];
  const entries = [0, 1, 2, 3].map((i) =>
    gate.enter(false).then((leave) => {
      started.push(i);
      leaves.push(leave);
    }),
  );
  await Promise.all(entries.slice(0, 2));
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(started, [0, 1], "only two run");
  leaves[0]!();
  await entries[2];
  t.deepEqual(started, [0, 1, 2]);
  leaves[0]!(); // leaving twice gives back one slot only
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(started, [0, 1, 2], "a second leave of the same case frees nothing");
  leaves[1]!();
  await entries[3];
  t.deepEqual(started, [0, 1, 2, 3]);
});

test("an isolated case waits for running ones, runs alone, and holds back later arrivals", async (t) => {
  const gate = new CaseGate(4);
  const log: string[] = [];
  const first = await gate.enter(false);
  const isolated = gate.enter(true).then((leave) => {
    log.push("isolated");
    return leave;
  });
  const later = gate.enter(false).then((leave) => {
    log.push("later");
    return leave;
  });
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(log, [], "the isolated case waits for the running one; the later one waits behind it");
  first();
  const leaveIsolated = await isolated;
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(log, ["isolated"], "nothing runs beside an isolated case");
  leaveIsolated();
  (await later)();
  t.deepEqual(log, ["isolated", "later"]);
});
