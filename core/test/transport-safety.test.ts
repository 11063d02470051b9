import test from "ava";
import { guarded, resolveBackpressure, SlowConsumerWatch, truncateCloseReason, type FawkesError, type Logger } from "@fawkes/core";

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(message) {
      errors.push(message);
    },
  };
}

test("guarded swallows and logs what a callback throws, then runs onError", (t) => {
  const log = recordingLogger();
  let recovered: unknown;
  const fn = guarded(
    log,
    "sockjs data",
    (x: number) => {
      if (x > 1) throw new Error("boom");
    },
    (cause) => {
      recovered = cause;
    },
  );
  t.notThrows(() => fn(1));
  t.deepEqual(log.errors, []);
  t.notThrows(() => fn(2));
  t.deepEqual(log.errors, ["sockjs data failed"]);
  t.true(recovered instanceof Error);
  const failingRecovery = guarded(
    log,
    "timer",
    () => {
      throw new Error("a");
    },
    () => {
      throw new Error("b");
    },
  );
  t.notThrows(() => failingRecovery());
  t.deepEqual(log.errors.slice(1), ["timer failed", "timer failed while recovering"]);
});

test("truncateCloseReason keeps at most 123 bytes of UTF-8 on a character boundary", (t) => {
  t.is(truncateCloseReason("short"), "short");
  const long = "ERR_UNKNOWN_VSN: " + "x".repeat(300);
  t.is(Buffer.byteLength(truncateCloseReason(long)), 123);
  const euros = "€".repeat(60); // 3 bytes each
  const cut = truncateCloseReason(euros);
  t.is(cut, "€".repeat(41));
  t.true(Buffer.byteLength(cut) <= 123);
});

test("resolveBackpressure applies defaults and refuses nonsense", (t) => {
  t.deepEqual(resolveBackpressure({}), { maxBufferedBytes: 4 * 1024 * 1024, hardMaxBufferedBytes: 16 * 1024 * 1024, slowConsumerGraceMs: 2000 });
  t.deepEqual(resolveBackpressure({ maxBufferedBytes: 10 }), { maxBufferedBytes: 10, hardMaxBufferedBytes: 40, slowConsumerGraceMs: 2000 });
  const e = t.throws(() => resolveBackpressure({ maxBufferedBytes: 10, hardMaxBufferedBytes: 5 }));
  t.is((e as FawkesError).code, "ERR_BAD_OPTION");
  t.throws(() => resolveBackpressure({ slowConsumerGraceMs: -1 }));
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A watch with these limits over the queue size `queued()` reports, and how often it has cut the connection off. */
function slowConsumerWatch(limits: Parameters<typeof resolveBackpressure>[0], queued: () => number) {
  let cut = 0;
  const watch = new SlowConsumerWatch(resolveBackpressure(limits), queued, () => {
    cut++;
  });
  return { watch, cuts: () => cut };
}

test("SlowConsumerWatch: a connection that drains within the grace period is kept", async (t) => {
  let queued = 0;
  const { watch, cuts } = slowConsumerWatch({ maxBufferedBytes: 100, slowConsumerGraceMs: 40 }, () => queued);
  queued = 300; // above soft, below hard (400)
  watch.check();
  queued = 0; // the client read it
  await wait(80);
  t.is(cuts(), 0);
  queued = 300;
  watch.check();
  await wait(80); // still above after the grace period
  t.is(cuts(), 1);
  watch.check();
  await wait(60);
  t.is(cuts(), 1, "cuts off at most once");
});

test("SlowConsumerWatch: passing the hard ceiling cuts off on the next tick, not inside check()", async (t) => {
  const { watch, cuts } = slowConsumerWatch({ maxBufferedBytes: 100 }, () => 401);
  watch.check();
  t.is(cuts(), 0);
  await new Promise((resolve) => process.nextTick(resolve));
  t.is(cuts(), 1);
});

test("SlowConsumerWatch: stop() cancels a pending grace timer", async (t) => {
  const { watch, cuts } = slowConsumerWatch({ maxBufferedBytes: 100, slowConsumerGraceMs: 20 }, () => 200);
  watch.check();
  watch.stop();
  await wait(50);
  t.is(cuts(), 0);
});

test("SlowConsumerWatch: a check() that finds the queue drained restarts the grace period", async (t) => {
  let queued = 300;
  const { watch, cuts } = slowConsumerWatch({ maxBufferedBytes: 100, slowConsumerGraceMs: 60 }, () => queued);
  watch.check(); // above: the clock starts
  await wait(40);
  queued = 0;
  watch.check(); // drained: the clock stops
  queued = 300;
  watch.check(); // above again: a new, whole grace period
  await wait(40); // 80 ms after the first excess, 40 ms into the second
  t.is(cuts(), 0);
  await wait(60);
  t.is(cuts(), 1);
});
